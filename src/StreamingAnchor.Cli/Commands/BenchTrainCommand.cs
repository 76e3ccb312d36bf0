using System.CommandLine;
using StreamingAnchor.Cli.Output;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal bench train`: training frames/s, achieved GFLOP/s and peak memory per family, preset, batch, thread count and
/// data-parallel replica count, idle and with a competing busy process, all interleaved in one run (see <see cref="TrainBenchmark"/>).
/// </summary>
internal static class BenchTrainCommand
{
    private const string PolicyVariable = "OMP_WAIT_POLICY";

    public static Command Create()
    {
        var defaults = new TrainBenchmarkOptions();
        var family = EnumOption.List("--model", "model family", "Families, or 'all'", defaults.Families, all: true, spaced: true);
        var preset = EnumOption.List("--preset", "preset", "Presets (default small medium)", defaults.Presets, spaced: true);
        var batch = new Option<int[]>("--batch") { Description = "Batch sizes", DefaultValueFactory = _ => [8, 32, 128], AllowMultipleArgumentsPerToken = true };
        var threads = new Option<int[]>("--threads") { Description = "libtorch thread counts", DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true };
        var replicas = new Option<int[]>("--replicas")
        {
            Description = "Data-parallel replica counts, one thread each, measured beside --threads (1: none)", DefaultValueFactory = _ => [2],
            AllowMultipleArgumentsPerToken = true,
        };
        var load = new Option<string[]>("--load")
        {
            Description = "idle and/or busy (busy: the bench runs a CPU-bound child process alongside)", DefaultValueFactory = _ => ["idle", "busy"],
            AllowMultipleArgumentsPerToken = true,
        };
        var frames = new Option<int>("--frames") { Description = "Frames per sequence", DefaultValueFactory = _ => 200 };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds (each runs every config once)", DefaultValueFactory = _ => 3 };
        var seconds = new Option<double>("--seconds") { Description = "Seconds per config and round (at least one step)", DefaultValueFactory = _ => 0.3 };
        var loss = EnumOption.Create<LossKind>("--loss", "loss kind", $"Training loss kind (default {new LossConfig().Kind.Name()})");
        var policies = new Option<string[]>("--omp-wait-policy")
        {
            Description = "Run the whole bench once per OpenMP wait policy (active, passive) in child processes, or 'inherit' to run here",
            DefaultValueFactory = _ => ["inherit"], AllowMultipleArgumentsPerToken = true,
        };
        var quick = new Option<bool>("--quick") { Description = "One short round of tiny steps per config: checks the command, not the speed" };
        var command = new Command("train", "Training frames/s, GFLOP/s and peak memory per family, preset, batch, threads, replicas, idle and busy");
        foreach (var option in new Option[] { family, preset, batch, threads, replicas, load, frames, rounds, seconds, loss, policies, quick })
        {
            command.Options.Add(option);
        }

        CommandAction.Set(command, parse =>
        {
            var families = parse.GetValue(family)!;
            var loads = parse.GetValue(load) ?? [];
            if (loads.Length == 0 || loads.Any(l => l is not ("idle" or "busy")))
            {
                throw new UsageException("--load: idle and/or busy");
            }
            var isQuick = parse.GetValue(quick);
            var options = new TrainBenchmarkOptions
            {
                Families = families,
                Presets = parse.GetValue(preset)!,
                Batches = parse.GetValue(batch) ?? [],
                Threads = parse.GetValue(threads) ?? [],
                Replicas = parse.GetValue(replicas) ?? [],
                Competing = loads.Distinct().Select(l => l == "busy").ToArray(),
                Frames = isQuick ? Math.Min(20, parse.GetValue(frames)) : parse.GetValue(frames),
                Rounds = isQuick ? 1 : parse.GetValue(rounds),
                SecondsPerRound = isQuick ? 0 : parse.GetValue(seconds),
                WarmupSteps = isQuick ? 0 : 2,
                Loss = new LossConfig { Kind = parse.GetValue(loss) ?? new LossConfig().Kind },
            };
            if (options.Frames < 1 || options.Rounds < 1 || options.SecondsPerRound < 0 || options.Batches.Count == 0 || options.Threads.Count == 0 ||
                options.Batches.Any(b => b < 1) || options.Threads.Any(t => t < 1) || options.Replicas.Any(r => r < 1))
            {
                throw new UsageException("bench train: --frames, --rounds, --batch, --threads and --replicas must be >= 1, --seconds >= 0");
            }
            options.Loss.Validate();

            var wanted = (parse.GetValue(policies) ?? ["inherit"]).Select(p => p.ToLowerInvariant()).Distinct().ToArray();
            if (wanted.Any(p => p is not ("inherit" or "active" or "passive")) || (wanted.Contains("inherit") && wanted.Length > 1))
            {
                throw new UsageException("--omp-wait-policy: 'inherit', or one or both of active and passive");
            }
            if (wanted is ["inherit"])
            {
                RunHere(options);
            }
            else
            {
                RunPerPolicy(wanted, parse.Tokens.Select(t => t.Value).ToArray());
            }
            return 0;
        });
        return command;
    }

    private static void RunHere(TrainBenchmarkOptions options)
    {
        TorchRuntime.EnsureConfigured();
        var policy = Environment.GetEnvironmentVariable(PolicyVariable) is { Length: > 0 } v ? v : "unset (libgomp default)";
        Console.WriteLine($"{TorchRuntime.Describe()}; {Environment.ProcessorCount} cores; {PolicyVariable} {policy}; " +
                          $"load average at start {MachineLoad.Average()}; loss {options.Loss.Kind.Name()}; [B,{options.Frames},{options.InputDim}] random features, C = {options.Classes}");
        var rows = TrainBenchmark.Run(options, new Progress(m => Console.Error.WriteLine($"bench train: {m}")));
        Console.WriteLine($"load average at end {MachineLoad.Average()}; step = forward + loss + backward + clip + AdamW; frames/s median over {options.Rounds} rounds " +
                          "(best = 10th percentile step time); FLOP/frame = 6 x MACs (2 per MAC, x3 forward+backward); cores = process CPU time / wall time " +
                          "(median); peak RSS = VmHWM while the config ran" +
                          (rows.All(r => r.PeakRssReset) ? "" : " (not resettable here: process peak so far)") + "; managed = GC heap after the config");
        string[] header = ["model", "preset", "batch", "threads", "replicas", "load", "params", "MACs/frame", "MFLOP/frame", "frames/s", "best frames/s", "GFLOP/s",
            "x 1 thread", "x idle", "cores", "peak RSS MB", "managed MB"];
        var cells = rows.Select(r =>
        {
            var one = rows.FirstOrDefault(o => Same(o, r) && o.Threads == 1 && o.Replicas == 1 && o.Competing == r.Competing);
            var idle = rows.FirstOrDefault(o => Same(o, r) && o.Threads == r.Threads && o.Replicas == r.Replicas && !o.Competing);
            return new[]
            {
                r.Family, r.Preset, r.Batch.ToString(), r.Threads.ToString(), r.Replicas.ToString(), r.Competing ? "busy" : "idle", r.Parameters.ToString("N0"),
                r.MacsPerFrame.ToString("N0"), (r.FlopsPerFrame / 1e6).ToString("F3"), r.FramesPerSecond.ToString("N0"), r.P10FramesPerSecond.ToString("N0"),
                r.GigaflopsPerSecond.ToString("F2"), one is null ? "-" : (r.FramesPerSecond / one.FramesPerSecond).ToString("F2"),
                idle is null ? "-" : (r.FramesPerSecond / idle.FramesPerSecond).ToString("F2"), r.CoresUsed.ToString("F2"),
                (r.PeakRssBytes / 1048576.0).ToString("F0"),
                (r.ManagedBytes / 1048576.0).ToString("F0"),
            };
        }).ToArray();
        ConsoleTable.Write(header, cells);
    }

    private static bool Same(TrainBenchmarkRow a, TrainBenchmarkRow b) => a.Family == b.Family && a.Preset == b.Preset && a.Batch == b.Batch;

    /// <summary>
    /// libgomp reads OMP_WAIT_POLICY once, when libtorch loads it, so each policy needs its own process: the same
    /// bench runs in a child per policy, one after the other within this command, and their tables are joined.
    /// </summary>
    private static void RunPerPolicy(string[] policies, string[] tokens)
    {
        // The parse tokens start with the command path (bench train), so they re-run the same command.
        var args = new List<string>();
        for (var i = 0; i < tokens.Length; i++)
        {
            if (tokens[i] == "--omp-wait-policy")
            {
                while (i + 1 < tokens.Length && !tokens[i + 1].StartsWith('-'))
                {
                    i++;
                }
                continue;
            }
            args.Add(tokens[i]);
        }
        var headerDone = false;
        foreach (var policy in policies)
        {
            Console.Error.WriteLine($"bench train: child process with {PolicyVariable}={policy.ToUpperInvariant()}");
            string[] lines;
            try
            {
                lines = SalChild.Run(args, new Dictionary<string, string> { [PolicyVariable] = policy.ToUpperInvariant() });
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"bench child with {PolicyVariable}={policy}: {e.Message}");
            }
            // Child output (redirected): a runtime line, a legend line, then a tab-separated table.
            Console.WriteLine($"[{policy}] {lines[0]}");
            Console.WriteLine($"[{policy}] {lines[1]}");
            foreach (var line in lines.Skip(2))
            {
                var isHeader = line.StartsWith("model\t", StringComparison.Ordinal);
                if (isHeader && headerDone)
                {
                    continue;
                }
                headerDone |= isHeader;
                Console.WriteLine((isHeader ? "omp wait\t" : policy + "\t") + line);
            }
        }
    }

    private sealed class Progress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
