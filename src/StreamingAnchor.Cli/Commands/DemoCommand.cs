using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using StreamingAnchor.Anchors;
using StreamingAnchor.Cli.Output;
using StreamingAnchor.Data.Synthesis;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Recipes;
using StreamingAnchor.Training;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal demo`: the whole loop on a fresh machine. Synthesises a small keyword-spotting set, trains the same model (a
/// small TCN after a running mean of its input) with cross entropy and with SAL (same seed, data, schedule and
/// budget), evaluates both in streaming mode beside the project's shipped keyword model (models/hey_jarvis, when
/// present) and prints the comparison. Every stage reuses finished work, so an interrupted demo picks up where it
/// stopped.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Synthesise a KWS set, train a small TCN with CE and with SAL, evaluate both, compare (runs/demo)");
        var output = new Option<string>("--out") { Description = "Demo folder", DefaultValueFactory = _ => "runs/demo" };
        var clips = new Option<int>("--clips") { Description = $"Streams to synthesise ({SplitShares})", DefaultValueFactory = _ => 1000 };
        var clipSeconds = new Option<double>("--clip-seconds") { Description = "Stream length, seconds", DefaultValueFactory = _ => 6 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per model", DefaultValueFactory = _ => 30 };
        var window = new Option<double>("--window") { Description = "Training crop, seconds", DefaultValueFactory = _ => 2.5 };
        var seed = new Option<int>("--seed") { Description = "Seed of the data and of both trainings", DefaultValueFactory = _ => 1 };
        var model = EnumOption.Create<ModelFamily>("--model", "model family", "Model family of both trainings (small preset; default tcn)");
        var runningMean = new Option<int>("--running-mean")
        {
            Description = "Time constant in frames of the running mean subtracted from the models' input (0: none)",
            DefaultValueFactory = _ => DefaultRunningMean,
        };
        var threads = new Option<int>("--threads") { Description = "Torch threads (0 = the default, 1)", DefaultValueFactory = _ => 0 };
        var sources = new Option<string>("--sources") { Description = "Real speech/noise sources for the generator ('none' for generated noise only)", DefaultValueFactory = _ => "lincity,bucklespring" };
        var force = new Option<bool>("--force")
        {
            Description = "Discard a corpus or a training the folder holds from other demo settings (an older demo's, or other flags) instead of refusing",
        };
        var shipped = new Option<string?>("--shipped")
        {
            Description = $"Shipped model (run folder) to evaluate on the same test streams (default: the first {ShippedModel.DefaultFolder} above the current or the CLI's folder; '{ShippedModel.Off}' leaves it out)",
        };
        foreach (var o in new Option[] { output, clips, clipSeconds, epochs, window, seed, model, runningMean, threads, sources, shipped, force })
        {
            command.Options.Add(o);
        }
        CommandAction.Set(command, parse =>
        {
            // Looked up before any work, so a wrong --shipped folder is refused at once rather than after the training.
            var lookup = ShippedModel.Locate(parse.GetValue(shipped), Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
            var models = new ModelConfig
            {
                Family = parse.GetValue(model) ?? ModelFamily.Tcn,
                Preset = ModelSize.Small,
                RunningMeanFrames = ModelConfig.RunningMeanFromSetting(parse.GetValue(runningMean), "--running-mean"),
            };
            return Run(parse.GetValue(output)!, parse.GetValue(clips), parse.GetValue(clipSeconds), parse.GetValue(epochs),
                parse.GetValue(window), parse.GetValue(seed), models, parse.GetValue(threads), parse.GetValue(sources)!, lookup, parse.GetValue(force));
        });
        return command;
    }

    /// <summary>
    /// The kws recipe's running mean, for the same reason as there: it takes a voice's timbre and a room out of every
    /// frame (docs/results.md, "A running mean of the input" and, on the demo's corpus, "The demo's models").
    /// </summary>
    public const int DefaultRunningMean = RecipeConfig.KwsRunningMean;

    // 20 % test, twice the usual share, so 200 test streams make one false alarm 2.4 FA/h.
    private const double TrainShare = 0.7;
    private const double DevShare = 0.1;
    private static readonly string SplitShares = FormattableString.Invariant(
        $"{TrainShare * 100:0}% train, {DevShare * 100:0}% dev, {(1 - TrainShare - DevShare) * 100:0}% test");

    private static int Run(string root, int clips, double clipSeconds, int epochs, double window, int seed, ModelConfig model, int threads,
        string sources, ShippedLookup shipped, bool force)
    {
        var total = Stopwatch.StartNew();
        root = Path.GetFullPath(root);
        Directory.CreateDirectory(root);
        var timings = new List<(string Stage, double Seconds)>();

        Console.Error.WriteLine($"demo: 1/4 synthesising {clips} keyword-spotting streams into {Path.Combine(root, "data")}");
        var stage = Stopwatch.StartNew();
        // Two small noise packages plus generated noise keep synthesis on an empty cache short.
        var synth = new SynthConfig
        {
            Task = SynthTask.Kws,
            OutputDirectory = Path.Combine(root, "data"),
            Clips = clips,
            ClipSeconds = clipSeconds,
            Seed = seed,
            TrainFraction = TrainShare,
            DevFraction = DevShare,
            Force = force,
            Sources = sources.Equals("none", StringComparison.OrdinalIgnoreCase) ? []
                : sources.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
        var corpus = SynthProgressView.Run(progress => CorpusGenerator.Generate(synth, progress));
        foreach (var w in corpus.Warnings)
        {
            Console.Error.WriteLine($"warning: {w}");
        }
        timings.Add(("synthesis", stage.Elapsed.TotalSeconds));

        // 700 training streams of 6 s give 3-4 random 2.5 s crops each per epoch (keyword plus context), so batch 8 x 30
        // epochs is ~9 000 optimiser steps per model: a small model needs thousands of steps to become a detector, which
        // larger batches over so few streams do not give. The TCN trains several times faster than the GRU at this size,
        // which is what lets the demo afford these streams within its budget (docs/results.md, "The demo's models").
        var baseConfig = new TrainConfig
        {
            Data = corpus.ManifestPath,
            Task = TaskKind.Kws,
            Model = model,
            Epochs = epochs,
            BatchSize = 8,
            WindowSeconds = window,
            LearningRate = 3e-3,
            DevMetric = DevMetric.Eer,
            Seed = seed,
            Threads = threads,
        };
        var runs = new (string Name, LossConfig Loss)[]
        {
            ("ce", new LossConfig { Kind = LossKind.Ce }),
            ("sal", new LossConfig { Kind = LossKind.Sal, Kernel = KernelShape.Exponential, Tau = 8, Lambda = 4 }),
        };
        var summaries = new List<EvaluationSummary>();
        var step = 2;
        foreach (var (name, loss) in runs)
        {
            Console.Error.WriteLine($"demo: {step++}/4 training {model.Describe()} with {name} ({epochs} epochs, seed {seed})");
            stage = Stopwatch.StartNew();
            var dir = Path.Combine(root, name);
            TrainConsole.Run(name, (progress, loading) => LibTorchRetry.Run(() => TrainingRun.Run(baseConfig with { Loss = loss }, dir, progress, loading, force: force)));
            timings.Add(($"train {name}", stage.Elapsed.TotalSeconds));
        }

        Console.Error.WriteLine($"demo: 4/4 streaming evaluation of the {(shipped.Folder is null ? "two" : "three")} models on the test split");
        if (shipped.Notice is not null)
        {
            Console.Error.WriteLine(shipped.Notice);
        }
        stage = Stopwatch.StartNew();
        // The test set holds minutes, not hours: 1 FA/h is the headline, 10 and 30 FA/h show the curve where it moves.
        var evalConfig = EvaluationConfig.ForTask(TaskKind.Kws) with { FaPerHourTargets = [1.0, 10.0, 30.0] };
        foreach (var (name, _) in runs)
        {
            summaries.Add(EvalCommand.Evaluate(Path.Combine(root, name), corpus.ManifestPath, "test", name, evalConfig));
        }
        if (shipped.Folder is not null)
        {
            summaries.Add(EvaluateShipped(shipped.Folder, corpus.ManifestPath, root, evalConfig));
        }
        var compareDir = Path.Combine(root, "compare");
        RunEvaluator.Compare(summaries, compareDir);
        timings.Add(("evaluation", stage.Elapsed.TotalSeconds));

        var report = Report(summaries, corpus, baseConfig, runs.Select(r => r.Loss).ToList(), shipped.Folder, timings, total.Elapsed.TotalSeconds);
        var reportPath = Path.Combine(root, "report.md");
        AtomicFile.WriteAllText(reportPath, report);

        Console.WriteLine();
        var first = summaries[0].Result.AtThreshold;
        Console.WriteLine(FormattableString.Invariant(
            $"test set: {first.Streams} streams, {first.Hours * 60:0.0} min, {first.Events} keywords (1 false alarm = {1 / Math.Max(first.Hours, 1e-9):0.#} FA/h)"));
        EvalCommand.PrintTable(summaries);
        Console.WriteLine(FormattableString.Invariant($"demo finished in {total.Elapsed.TotalMinutes:0.0} min; report: {reportPath}"));
        Console.WriteLine($"figures: {compareDir}/det.png, {compareDir}/latency.png, {root}/<ce|sal{(shipped.Folder is null ? "" : $"|{ShippedFolder}")}>/eval/trace.png");
        return 0;
    }

    /// <summary>Folder under the demo's root that receives the shipped model's evaluation.</summary>
    public const string ShippedFolder = "shipped";

    /// <summary>
    /// Streams the shipped run folder over the demo's test split with the demo's evaluation settings. Its evaluation is
    /// written to <c>ROOT/shipped/eval</c>: the shipped folder is committed and must stay as the recipe left it.
    /// <para>
    /// The test streams are unseen by the shipped model: no voice and no real-audio package of the demo's test split is
    /// in its training corpus. Voices get their split from VoiceCatalog.Build via SplitAssigner.Assign/AssignSpeakers
    /// (a rank by FNV-1a hash over the available voices, no seed), and every real-audio package has a fixed split in
    /// RealSourceCatalog.All (SplitPool.PlaceSources keeps whole packages in one split); the demo and `sal recipe kws`
    /// both synthesise "hey jarvis" with all engines, so with the same TTS voices installed (scripts/setup.sh) a demo
    /// test voice or package is a test one in the recipe's corpus too, whatever either seed.
    /// </para>
    /// </summary>
    public static EvaluationSummary EvaluateShipped(string shippedFolder, string manifest, string root, EvaluationConfig config) =>
        EvalCommand.Evaluate(shippedFolder, manifest, "test", ShippedModel.Name(shippedFolder), config,
            Path.Combine(root, ShippedFolder, RunEvaluator.EvalFolder));

    private static string Report(IReadOnlyList<EvaluationSummary> runs, SynthResult corpus, TrainConfig config, IReadOnlyList<LossConfig> losses,
        string? shipped, IReadOnlyList<(string Stage, double Seconds)> timings, double totalSeconds)
    {
        var inv = CultureInfo.InvariantCulture;
        var first = runs[0].Result.AtThreshold;
        var sb = new StringBuilder();
        sb.Append("# sal demo: CE vs SAL on a synthetic keyword-spotting set\n\n");
        sb.Append(inv, $"Data: `{corpus.ManifestPath}`, {corpus.Clips} streams, {corpus.Hours * 60:0.0} min ({SplitShares}).\n");
        sb.Append(inv, $"Model: {config.Model.Describe()}; {config.Epochs} epochs of {config.WindowSeconds:0.#} s crops, batch {config.BatchSize}, ");
        sb.Append(inv, $"AdamW lr {config.LearningRate} warm-up + cosine, seed {config.Seed}; best epoch by dev {config.DevMetricName}.\n");
        sb.Append(inv, $"Losses: {string.Join(", ", losses.Select(l => l.Kind == LossKind.Ce ? "ce" : $"{l.Kind.Name()} (kernel {l.Kernel.Name()}, tau {l.Tau}, lambda {l.Lambda})"))}.\n\n");
        sb.Append(inv, $"Test: {first.Streams} streams, {first.Hours * 60:0.0} min, {first.Events} keywords; one false alarm is {1 / Math.Max(first.Hours, 1e-9):0.#} FA/h, ");
        sb.Append("so an FA/h target below that means no false alarm at all on this set.\n\n");
        if (shipped is not null)
        {
            sb.Append(ShippedModel.Describe(shipped));
            sb.Append(" Its training corpus shares no TTS voice and no real-audio package with this test split: both corpora take ");
            sb.Append("their voice and package splits from the seed-independent catalogues (SplitAssigner, RealSourceCatalog), so ");
            sb.Append("these test voices and packages were test-only there too (same TTS voices installed).\n\n");
        }
        sb.Append(EvaluationSummary.ComparisonMarkdown(runs));
        sb.Append('\n');
        foreach (var r in runs)
        {
            var p = r.Result.Targets.First(t => t.FaPerHourTarget == 1.0).Point;
            sb.Append(inv, $"- {r.Name} at 1 FA/h: threshold {EvaluationSummary.Threshold(p.Threshold)}, {p.Hits}/{p.Events} keywords, latency mean {EvaluationSummary.Ms(p.Latency.Mean)}, p90 {EvaluationSummary.Ms(p.Latency.P90)}\n");
        }
        sb.Append("\nTimings: ");
        sb.Append(string.Join(", ", timings.Select(t => string.Create(inv, $"{t.Stage} {t.Seconds:0} s"))));
        sb.Append(inv, $"; total {totalSeconds / 60:0.0} min on {Environment.ProcessorCount} cores.\n\n");
        sb.Append("Figures: `compare/det.png`, `compare/latency.png`, `ce/eval/trace.png`, `sal/eval/trace.png`");
        sb.Append(shipped is null ? "" : $", `{ShippedFolder}/eval/trace.png`");
        sb.Append("; per-run reports in `<run>/eval/report.md`.\n");
        return sb.ToString();
    }
}
