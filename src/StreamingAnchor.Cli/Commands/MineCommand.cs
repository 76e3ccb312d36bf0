using System.CommandLine;
using System.Globalization;
using StreamingAnchor.Mining;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal mine`: stream a run's model over negative audio as `sal eval` does, cut a window around each false alarm into
/// a manifest of hard negatives (`sal train --hard-negatives`). Progress on stderr, the round's line on stdout.
/// </summary>
internal static class MineCommand
{
    public static Command Create()
    {
        var command = new Command("mine", "Find a model's false alarms on negative audio and cut them into a hard-negative manifest for sal train --hard-negatives");
        var run = new Option<string>("--run") { Description = "Run folder whose model is mined with" };
        var data = new Option<string?>("--data") { Description = "Manifest whose clips without events (in --split) form the pool" };
        var split = new Option<string>("--split") { Description = "Splits of --data to mine, comma-separated (never the test split you report on)", DefaultValueFactory = _ => "train" };
        var wavDir = new Option<string?>("--wav-dir") { Description = "Instead of --data: every *.wav under this folder is negative audio" };
        var output = new Option<string>("--out") { Description = "Output folder: manifest.jsonl, clips/, rounds.jsonl (rerun to resume or add a round)" };
        var faPerHour = new Option<double>("--fa-per-hour") { Description = "Mine at the lowest threshold with at most this many false alarms per hour of pool audio", DefaultValueFactory = _ => 10 };
        var threshold = new Option<double?>("--threshold") { Description = "Mine at this threshold on the smoothed posterior instead" };
        var before = new Option<double>("--before") { Description = "Seconds kept before each false alarm", DefaultValueFactory = _ => 1.5 };
        var after = new Option<double>("--after") { Description = "Seconds kept after each false alarm", DefaultValueFactory = _ => 0.5 };
        var weight = new Option<double>("--weight") { Description = "Suggested --hard-negative-weight, recorded with the round", DefaultValueFactory = _ => 1 };
        foreach (var o in new Option[] { run, data, split, wavDir, output, faPerHour, threshold, before, after, weight })
        {
            command.Options.Add(o);
        }

        CommandAction.Set(command, parse =>
        {
            var runDir = parse.GetValue(run) ?? throw new UsageException("mine: --run is required");
            var outDir = parse.GetValue(output) ?? throw new UsageException("mine: --out is required");
            if ((parse.GetValue(data) is null) == (parse.GetValue(wavDir) is null))
            {
                throw new UsageException("mine: give exactly one of --data and --wav-dir");
            }

            var options = new MiningOptions
            {
                Run = runDir,
                Out = outDir,
                Manifest = parse.GetValue(data),
                WavFolder = parse.GetValue(wavDir),
                Splits = parse.GetValue(split)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                FaPerHour = parse.GetValue(faPerHour),
                Threshold = parse.GetValue(threshold),
                BeforeSeconds = parse.GetValue(before),
                AfterSeconds = parse.GetValue(after),
                Weight = parse.GetValue(weight),
            };
            var last = -1;
            var round = HardNegativeMiner.Mine(options, new Output.TrainConsole.Inline<(int Done, int Total)>(p =>
            {
                // About twenty lines per round whatever the pool's size.
                var step = p.Done * 20 / p.Total;
                if (step != last)
                {
                    last = step;
                    Console.Error.WriteLine($"mine: streamed {p.Done}/{p.Total} clips");
                }
            }));
            Console.WriteLine(round.Describe());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"hard negatives: {Path.GetFullPath(Path.Combine(outDir, HardNegativeMiner.ManifestFile))} (train with --hard-negatives it --hard-negative-weight {round.Weight:0.##})"));
            return 0;
        });
        return command;
    }
}
