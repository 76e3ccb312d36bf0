using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal bench acoustics`: cost of each acoustic condition of `sal synth` on one stream of speech-like audio, side by
/// side in one run (one thread), and what the default shares add per stream on average.
/// </summary>
internal static class BenchAcousticsCommand
{
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "Length of the test stream, seconds", DefaultValueFactory = _ => 8 };
        var repeats = new Option<int>("--repeats") { Description = "Timed passes per effect (best is reported)", DefaultValueFactory = _ => 3 };
        var command = new Command("acoustics", "Cost per stream of rooms, codecs, babble and sox reverb in sal synth");
        command.Options.Add(seconds);
        command.Options.Add(repeats);
        CommandAction.Set(command, parse =>
        {
            var secs = parse.GetValue(seconds);
            var reps = parse.GetValue(repeats);
            if (!(secs >= 1 && secs <= 600) || reps <= 0)
            {
                throw new UsageException("--seconds must be within 1..600 and --repeats positive");
            }
            Run(secs, reps);
            return 0;
        });
        return command;
    }

    private static void Run(double seconds, int repeats)
    {
        var x = CodecChannel.Probe(SpeechCut.Rate, seconds, 7);
        var room = new RoomPlan(5, 4, 2.8, 0.6, new Point3(2, 2, 1.2), [new Point3(3.5, 2.5, 1.5)], new Point3(4, 3, 1.5), 1);
        var rir = RoomImpulseResponse.Generate(room, room.Sources[0], 1);
        var talkers = Enumerable.Range(0, 6).Select(t => (IReadOnlyList<PlannedItem>)[Utterance(t)]).ToList();
        var clips = Enumerable.Range(0, 6).ToDictionary(t => talkers[t][0], t => CodecChannel.Probe(SpeechCut.Rate, 2.5, 100 + t));
        var babble = new BabblePlan(talkers, 10, 3);
        var rows = new List<(string Name, double Seconds, double Share)>
        {
            Measure("room: impulse response, RT60 0.6 s", repeats, 0, () => RoomImpulseResponse.Generate(room, room.Sources[0], 2)),
            Measure("room: FFT convolution with it", repeats, 0, () => FftConvolution.Convolve(x, rir, x.Length + rir.Length - 1)),
        };
        // A room stream convolves every item and makes one response per item: the stream's length of audio in all.
        var defaults = new SynthConfig { OutputDirectory = "unused" };
        rows.Add(("room total (4 items + their responses)", 4 * rows[0].Seconds + rows[1].Seconds, defaults.RoomProbability));
        rows.Add(Measure("sox reverb (existing per-item option)", repeats, 0,
            () => SoxEffects.Reverb(x, 50, 50, 60, -3, 0.6, CancellationToken.None)));
        var channels = new (ChannelKind Kind, int Bitrate, double Weight)[]
        {
            (ChannelKind.Telephone, 0, 0.25), (ChannelKind.Gsm, 0, 0.15), (ChannelKind.G722, 0, 0.2), (ChannelKind.Mp3, 32, 0.2), (ChannelKind.Opus, 16, 0.2),
        };
        foreach (var (kind, bitrate, weight) in channels)
        {
            var plan = new ChannelPlan(kind, bitrate);
            if (CodecChannel.Unavailable(kind) is { } why)
            {
                Console.Error.WriteLine($"warning: {plan.Id} skipped: {why}");
                continue;
            }
            rows.Add(Measure($"channel {plan.Id}", repeats, defaults.ChannelProbability * weight,
                () => CodecChannel.Apply(x, plan, CancellationToken.None)));
        }
        rows.Add(Measure("babble bed, 6 talkers (mixing only)", repeats, defaults.BabbleProbability,
            () => Babble.Render(babble, item => clips[item], x.Length)));

        var average = rows.Sum(r => r.Seconds * r.Share);
        Console.WriteLine($"acoustics benchmark: {seconds:0.#} s stream, best of {repeats}, one thread, {Environment.ProcessorCount} cores, load average {MachineLoad.Average()}");
        if (Console.IsOutputRedirected)
        {
            foreach (var r in rows)
            {
                Console.WriteLine($"{r.Name,-48} {r.Seconds * 1000,9:F1} ms  {seconds / r.Seconds,9:F0}x real time  share {r.Share,5:P1}");
            }
        }
        else
        {
            var table = new Table().AddColumns("effect", "ms per stream", "x real time", "share of streams");
            foreach (var r in rows)
            {
                table.AddRow(Markup.Escape(r.Name), $"{r.Seconds * 1000:F1}", $"{seconds / r.Seconds:F0}", r.Share > 0 ? $"{r.Share:P1}" : "");
            }
            AnsiConsole.Write(table);
        }
        Console.WriteLine($"default shares add {average * 1000:F1} ms per {seconds:0.#} s stream on average ({seconds / average:F0}x real time)");
    }

    private static PlannedItem Utterance(int talker) =>
        new(ItemKind.Sentence, new SpeechRequest(new Voice(TtsEngineKind.Espeak, $"bench{talker}", $"bench{talker}"), "bench", 1, 1),
            null, SpeakerRole.Ambient, 0, false);

    private static (string, double, double) Measure(string name, int repeats, double share, Func<object> work)
    {
        work(); // warm-up: JIT, codec delay calibration
        var best = double.MaxValue;
        for (var r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            work();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return (name, best, share);
    }
}
