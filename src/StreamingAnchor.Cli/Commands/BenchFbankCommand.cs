using System.CommandLine;
using System.Diagnostics;
using NWaves.FeatureExtractors;
using NWaves.FeatureExtractors.Options;
using NWaves.Filters.Fda;
using NWaves.Windows;
using Spectre.Console;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal bench fbank`: real-time factor per core of the log-mel front end (offline, streaming in 10 ms chunks, and
/// NWaves' own filterbank extractor as a reference), all on the same synthetic audio in one run.
/// </summary>
internal static class BenchFbankCommand
{
    public static Command Create()
    {
        var seconds = new Option<int>("--seconds") { Description = "Seconds of synthetic audio per pass", DefaultValueFactory = _ => 60 };
        var repeats = new Option<int>("--repeats") { Description = "Timed passes per method (best is reported)", DefaultValueFactory = _ => 5 };
        var command = new Command("fbank", "Real-time factor of the log-mel front end on one core");
        command.Options.Add(seconds);
        command.Options.Add(repeats);
        CommandAction.Set(command, parse =>
        {
            var secs = parse.GetValue(seconds);
            var reps = parse.GetValue(repeats);
            if (secs <= 0 || reps <= 0)
            {
                throw new UsageException("--seconds and --repeats must be positive");
            }
            Run(secs, reps);
            return 0;
        });
        return command;
    }

    private static void Run(int seconds, int repeats)
    {
        var config = new FbankConfig();
        var audio = SyntheticAudio(seconds * config.SampleRate, config.SampleRate);
        var offline = new FbankExtractor(config);
        var streaming = new StreamingFbank(config);
        var nwaves = new FilterbankExtractor(new FilterbankOptions
        {
            SamplingRate = config.SampleRate,
            FrameSize = config.WindowSamples,
            HopSize = config.HopSamples,
            FftSize = config.FftSize,
            FilterBank = FilterBanks.Triangular(config.FftSize, config.SampleRate,
                FilterBanks.MelBands(config.MelBins, config.SampleRate, config.LowFreq, config.EffectiveHighFreq)),
            PreEmphasis = config.PreEmphasis,
            Window = WindowType.Hamming,
            NonLinearity = NonLinearityType.LogE,
            LogFloor = config.LogFloor,
        });

        var rows = new List<(string Name, double Cpu, double Wall, int Frames)>
        {
            Measure("fbank offline (FbankExtractor)", repeats, () => offline.Compute(audio).Frames),
            Measure("fbank streaming, 160-sample chunks", repeats, () =>
            {
                streaming.Reset();
                var frames = 0;
                for (var i = 0; i < audio.Length; i += 160)
                {
                    frames += streaming.Push(audio.AsSpan(i, Math.Min(160, audio.Length - i))).Count;
                }
                return frames;
            }),
            Measure("NWaves FilterbankExtractor (reference)", repeats, () => nwaves.ComputeFrom(audio).Count),
        };

        var plain = Console.IsOutputRedirected;
        Console.WriteLine($"fbank benchmark: {seconds} s of 16 kHz audio, {config.MelBins} mel bins, best of {repeats}, one thread, {Environment.ProcessorCount} cores, load average {MachineLoad.Average()}");
        Console.WriteLine("x real time per core = audio seconds / CPU seconds of the running thread (the work; wall time also counts waiting for a core); µs/frame = CPU µs per 10 ms hop");
        var baseline = rows[^1].Cpu;
        string[] header = ["method", "frames", "CPU ms", "wall ms", "µs/frame", "x real time per core", "x real time (wall)", "x vs NWaves"];
        var cells = rows.Select(r => new[]
        {
            r.Name, r.Frames.ToString(), $"{r.Cpu * 1000:F1}", $"{r.Wall * 1000:F1}", $"{r.Cpu * 1e6 / r.Frames:F2}",
            $"{seconds / r.Cpu:F0}", $"{seconds / r.Wall:F0}", $"{baseline / r.Cpu:F2}",
        }).ToArray();
        if (plain)
        {
            Console.WriteLine(string.Join('\t', header));
            foreach (var c in cells)
            {
                Console.WriteLine(string.Join('\t', c));
            }
            return;
        }
        var table = new Table().AddColumns(header);
        foreach (var c in cells)
        {
            table.AddRow(c);
        }
        AnsiConsole.Write(table);
    }

    /// <summary>Best of <paramref name="repeats"/> by CPU time of this thread; the wall time of that same pass.</summary>
    private static (string Name, double Cpu, double Wall, int Frames) Measure(string name, int repeats, Func<int> work)
    {
        var frames = work(); // warm-up: JIT and caches
        var (cpu, wall) = (double.MaxValue, double.MaxValue);
        for (var r = 0; r < repeats; r++)
        {
            var start = ThreadCpuClock.Now();
            var sw = Stopwatch.StartNew();
            frames = work();
            var used = ThreadCpuClock.Now() - start;
            if (used < cpu)
            {
                (cpu, wall) = (used, sw.Elapsed.TotalSeconds);
            }
        }
        return (name, cpu, wall, frames);
    }

    private static float[] SyntheticAudio(int n, int sampleRate)
    {
        var rng = new Random(1234);
        var x = new float[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = (float)((0.2 * Math.Sin(2 * Math.PI * 440 * i / sampleRate)) + (0.05 * ((rng.NextDouble() * 2) - 1)));
        }
        return x;
    }
}
