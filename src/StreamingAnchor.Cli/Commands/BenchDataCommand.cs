using System.CommandLine;
using System.Globalization;
using StreamingAnchor.Anchors;
using StreamingAnchor.Cli.Output;
using StreamingAnchor.Data;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal bench data`: data loading and training on a real manifest (see <see cref="DataBenchmark"/>): features ready,
/// cache and store size on disk, batches/s without a model, training frames/s and seconds per epoch, peak memory.
/// Several sizes (--hours, --repeat) or storages run one child process each, so every row has its own memory peak.
/// </summary>
internal static class BenchDataCommand
{
    private static readonly string[] Header =
    [
        "train h", "clips", "storage", "features ready s", "cache MB", "store MB", "batches", "data frames/s", "steps", "train frames/s",
        "s/epoch", "peak RSS MB", "peak anon MB",
    ];

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Manifest whose train split is loaded and trained", Required = true };
        var hours = new Option<double[]>("--hours") { Description = "Train on the split's first clips up to these many hours (one row each; default all)", AllowMultipleArgumentsPerToken = true };
        var repeat = new Option<int[]>("--repeat")
        {
            Description = "Take the selected clips this many times (a larger corpus than on disk; the per-file cache holds each file once)",
            DefaultValueFactory = _ => [1], AllowMultipleArgumentsPerToken = true,
        };
        var storage = new Option<string[]>("--storage") { Description = "mapped and/or memory", DefaultValueFactory = _ => ["mapped"], AllowMultipleArgumentsPerToken = true };
        var task = EnumOption.Create<TaskKind>("--task", "task", "kws | onset | trigger (default kws)");
        var model = EnumOption.Create<ModelFamily>("--model", "model family", "Model family (default tcn)");
        var preset = EnumOption.Create<ModelSize>("--preset", "preset", "Preset (default small)");
        var loss = EnumOption.Create<LossKind>("--loss", "loss kind", "Training loss kind (default sal)");
        var batch = new Option<int>("--batch-size") { Description = "Windows per batch", DefaultValueFactory = _ => 64 };
        var window = new Option<double>("--window") { Description = "Training window in seconds", DefaultValueFactory = _ => 2 };
        var sampler = new Option<string?>("--sampler") { Description = "Balanced batches, as sal train --sampler (default: every window once)" };
        var epochWindows = new Option<int?>("--epoch-windows") { Description = "Windows per epoch with --sampler" };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Cap the training pass (default: one epoch)" };
        var threads = new Option<int>("--threads") { Description = "Torch threads", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 1 };
        var rowOnly = new Option<bool>("--row-only") { Description = "Print only the result row (what a child process of this bench prints)", Hidden = true };
        var command = new Command("data", "Data loading + training on a manifest: features ready, cache/store size, frames/s, s/epoch and peak memory per size");
        foreach (var option in new Option[] { data, hours, repeat, storage, task, model, preset, loss, batch, window, sampler, epochWindows, maxSteps, threads, seed, rowOnly })
        {
            command.Options.Add(option);
        }

        CommandAction.Set(command, parse =>
        {
            var sizes = parse.GetValue(hours) is { Length: > 0 } h ? h.Select(x => (double?)x).ToArray() : [null];
            var repeats = parse.GetValue(repeat) ?? [1];
            var storages = (parse.GetValue(storage) ?? []).Select(s => Enum.TryParse<FeatureStorage>(s, true, out var v) && !int.TryParse(s, out _)
                ? v : throw new UsageException($"--storage: mapped and/or memory, got '{s}'")).Distinct().ToArray();
            if (sizes.Any(x => x is <= 0) || repeats.Any(r => r < 1) || storages.Length == 0)
            {
                throw new UsageException("bench data: --hours must be > 0, --repeat >= 1, --storage mapped and/or memory");
            }
            var config = new TrainConfig
            {
                Task = parse.GetValue(task) ?? TaskKind.Kws,
                Model = new ModelConfig { Family = parse.GetValue(model) ?? ModelFamily.Tcn, Preset = parse.GetValue(preset) ?? ModelSize.Small },
                Loss = new LossConfig { Kind = parse.GetValue(loss) ?? LossKind.Sal },
                BatchSize = parse.GetValue(batch),
                WindowSeconds = parse.GetValue(window),
                Sampler = parse.GetValue(sampler) is { } spec ? SamplerOptions.Parse(spec) with { EpochWindows = parse.GetValue(epochWindows) } : null,
                Threads = parse.GetValue(threads),
                Seed = parse.GetValue(seed),
            };
            config.Validate();
            var runs = sizes.SelectMany(s => repeats.SelectMany(r => storages.Select(st => (Hours: s, Repeat: r, Storage: st)))).ToList();
            if (parse.GetValue(rowOnly))
            {
                var only = runs.Single();
                Console.WriteLine(string.Join('\t', Row(Measure(parse.GetValue(data)!, only.Hours, only.Repeat, only.Storage, config, parse.GetValue(maxSteps)))));
                return 0;
            }

            Console.WriteLine($"{TorchRuntime.Describe()}; {Environment.ProcessorCount} cores; load average at start {MachineLoad.Average()}; " +
                              $"{config.Model.Family.Name()} {config.Model.Preset.Name()}, loss {config.Loss.Kind.Name()}, batch {config.BatchSize}, window {config.WindowSeconds} s, " +
                              $"{(config.Sampler is { } sm ? $"sampler {sm.Positive}/{sm.Confusable}/{sm.Speech}/{sm.Background}" : "every window once")}, {config.ResolvedThreads} thread(s)");
            var rows = new List<string[]>();
            if (runs.Count == 1)
            {
                rows.Add(Row(Measure(parse.GetValue(data)!, runs[0].Hours, runs[0].Repeat, runs[0].Storage, config, parse.GetValue(maxSteps))));
            }
            else
            {
                var common = ChildArguments(parse, ["--hours", "--repeat", "--storage"]);
                foreach (var run in runs)
                {
                    Console.Error.WriteLine($"bench data: {(run.Hours is { } x ? x.ToString(CultureInfo.InvariantCulture) + " h" : "all")} x {run.Repeat}, {run.Storage}: child process");
                    var args = common.Concat(["--repeat", run.Repeat.ToString(CultureInfo.InvariantCulture), "--storage", run.Storage.ToString().ToLowerInvariant(), "--row-only"]);
                    if (run.Hours is { } hh)
                    {
                        args = args.Concat(["--hours", hh.ToString("R", CultureInfo.InvariantCulture)]);
                    }
                    rows.Add(SalChild.Run(args).Last().Split('\t'));
                }
            }
            Console.WriteLine($"load average at end {MachineLoad.Average()}; features ready = manifest check + feature cache + store + normaliser; " +
                              "cache MB = per-file entries of the distinct audio files; data frames/s = one epoch of batches without a model; " +
                              "train frames/s and s/epoch = the trainer's epoch (batches built while training); peak RSS = VmHWM of the process " +
                              "(mapped store pages included); peak anon = largest RssAnon after any batch");
            ConsoleTable.Write(Header, rows);
            return 0;
        });
        return command;
    }

    private static DataBenchmarkResult Measure(string manifest, double? hours, int repeat, FeatureStorage storage, TrainConfig config, int? maxSteps) =>
        CliProgress.Run("features", loading => DataBenchmark.Run(new DataBenchmarkOptions
        {
            Manifest = manifest,
            TrainHours = hours,
            Repeat = repeat,
            Storage = storage,
            Train = config,
            MaxSteps = maxSteps,
        }, loading, new TrainConsole.Inline<string>(line => Console.Error.WriteLine($"bench data: {line}"))));

    private static string[] Row(DataBenchmarkResult r)
    {
        var c = CultureInfo.InvariantCulture;
        return
        [
            r.TrainHours.ToString("F2", c), r.Clips.ToString(c), r.Storage, r.LoadSeconds.ToString("F1", c), (r.CacheBytes / 1048576.0).ToString("F0", c),
            (r.StoreBytes / 1048576.0).ToString("F0", c), r.BatchesPerEpoch.ToString(c), r.DataFramesPerSecond.ToString("F0", c), r.Steps.ToString(c),
            r.TrainFramesPerSecond.ToString("F0", c), r.EpochSeconds.ToString("F1", c), (r.PeakRssBytes / 1048576.0).ToString("F0", c) + (r.PeakReset ? "" : "*"),
            (r.PeakAnonymousBytes / 1048576.0).ToString("F0", c),
        ];
    }

    /// <summary>This command's own tokens (from `bench data` on) without the options a child gets one value of.</summary>
    private static List<string> ChildArguments(ParseResult parse, string[] perChild)
    {
        var tokens = parse.Tokens.Select(t => t.Value).ToArray();
        var args = new List<string>();
        for (var i = 0; i < tokens.Length; i++)
        {
            if (perChild.Contains(tokens[i]))
            {
                while (i + 1 < tokens.Length && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    i++;
                }
                continue;
            }
            args.Add(tokens[i]);
        }
        return args;
    }
}
