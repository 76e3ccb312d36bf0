using System.CommandLine;
using Spectre.Console;
using StreamingAnchor.Cli.Output;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal bench loss`: forward + backward time of every loss relative to ce on [B,T,1] and [B,T,12], all interleaved
/// in one run (see <see cref="LossBenchmark"/>).
/// </summary>
internal static class BenchLossCommand
{
    public static Command Create()
    {
        var batch = new Option<int>("--batch") { Description = "Sequences per batch", DefaultValueFactory = _ => 64 };
        var frames = new Option<int>("--frames") { Description = "Frames per sequence", DefaultValueFactory = _ => 200 };
        var classes = new Option<int[]>("--classes")
        {
            Description = "Logits per frame, one shape each", DefaultValueFactory = _ => [1, 12], AllowMultipleArgumentsPerToken = true,
        };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds (each runs every loss once per shape)", DefaultValueFactory = _ => 300 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up rounds", DefaultValueFactory = _ => 30 };
        var threads = new Option<int>("--threads")
        {
            Description = "libtorch threads (0 = the cores not already busy; 1 keeps timings steady on a shared machine)", DefaultValueFactory = _ => 1,
        };
        var reference = new Option<bool>("--reference") { Description = "Also time every kind's reference path (libtorch ops + autograd) next to its fused path" };
        var command = new Command("loss", "Forward+backward time of ce, focal, sal, sa+fl, safl, maxpool as ratios to ce");
        foreach (var option in new Option[] { batch, frames, classes, rounds, warmup, threads, reference })
        {
            command.Options.Add(option);
        }

        CommandAction.Set(command, parse =>
        {
            var options = new LossBenchmarkOptions
            {
                Batch = parse.GetValue(batch), Frames = parse.GetValue(frames), ClassCounts = parse.GetValue(classes) ?? [1, 12],
                Rounds = parse.GetValue(rounds), WarmupRounds = parse.GetValue(warmup), IncludeReference = parse.GetValue(reference),
            };
            if (options.Batch < 1 || options.Frames < 1 || options.Rounds < 1 || options.WarmupRounds < 0 || options.ClassCounts.Any(c => c < 1))
            {
                throw new UsageException("bench loss: --batch, --frames, --rounds and --classes must be >= 1, --warmup >= 0");
            }
            TorchRuntime.SetThreads(parse.GetValue(threads));
            Console.WriteLine($"{TorchRuntime.Describe()}; {Environment.ProcessorCount} cores; {options.Rounds} rounds after >= {options.WarmupRounds} warm-up rounds and {options.WarmupSeconds} s");
            var results = Run(options);
            Print(results);
            return 0;
        });
        return command;
    }

    private static IReadOnlyList<LossBenchmarkResult> Run(LossBenchmarkOptions options)
    {
        if (Console.IsOutputRedirected)
        {
            var next = 0.25;
            return LossBenchmark.Run(options, new Progress<(int Done, int Total)>(p =>
            {
                if ((double)p.Done / p.Total >= next)
                {
                    Console.Error.WriteLine($"bench loss: round {p.Done}/{p.Total}");
                    next += 0.25;
                }
            }));
        }
        IReadOnlyList<LossBenchmarkResult> results = [];
        AnsiConsole.Progress().Start(context =>
        {
            var task = context.AddTask("forward+backward rounds");
            results = LossBenchmark.Run(options, new SynchronousProgress(p =>
            {
                task.MaxValue = p.Total;
                task.Value = p.Done;
            }));
        });
        return results;
    }

    private static void Print(IReadOnlyList<LossBenchmarkResult> results)
    {
        string[] header = ["shape", "loss", "median us", "p10 us", "p90 us", "x ce (median)", "x ce (p10)"];
        var rows = results.Select(r => new[]
        {
            r.Shape, r.Name, r.MedianMicroseconds.ToString("F1"), r.P10Microseconds.ToString("F1"), r.P90Microseconds.ToString("F1"),
            r.RatioToCe.ToString("F3"), r.P10RatioToCe.ToString("F3"),
        }).ToList();
        ConsoleTable.Write(header, rows);
        Console.WriteLine($"{LossBenchmark.TorchCe}: libtorch's fused cross entropy (reference, not part of the family); " +
                          $"{LossBenchmark.SignificanceOnly}: the [B,T] kernel plane alone, as a share of ce; " +
                          $"'{LossBenchmark.ReferenceSuffix.Trim()}': the same loss as libtorch ops differentiated by autograd (the fused path's specification).");
    }

    /// <summary>Reports on the calling thread, so the progress bar moves while the benchmark runs.</summary>
    private sealed class SynchronousProgress(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value);
    }
}
