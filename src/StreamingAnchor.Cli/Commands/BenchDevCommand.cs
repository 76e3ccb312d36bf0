using System.CommandLine;
using System.Globalization;
using StreamingAnchor.Cli.Output;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Cli.Commands;

/// <summary>`sal bench dev`: how much faster the dev metric scores a long negative stream than `sal eval` streams it, and that both agree.</summary>
internal static class BenchDevCommand
{
    public static Command Create()
    {
        var family = EnumOption.List("--model", "model family", "Families, comma separated, or 'all'", ModelPreset.Families, all: true);
        var minutes = new Option<double>("--minutes") { Description = "Minutes of negative audio (pink noise) scored", DefaultValueFactory = _ => 10 };
        var lookAhead = new Option<int>("--lookahead") { Description = "Frames of look-ahead of the models", DefaultValueFactory = _ => 0 };
        var command = new Command("dev", "Dev scoring (offline forward, look-ahead delay) against sal eval's 100 ms streaming on one long stream: CPU seconds side by side, posterior agreement");
        command.Options.Add(family);
        command.Options.Add(minutes);
        command.Options.Add(lookAhead);
        CommandAction.Set(command, parse =>
        {
            var families = parse.GetValue(family)!;
            var rows = DevScoringBenchmark.Run(families, parse.GetValue(minutes), parse.GetValue(lookAhead),
                progress: new TrainConsole.Inline<string>(m => Console.Error.WriteLine($"bench: {m}")));

            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv,
                $"{rows[0].AudioSeconds / 60:0.#} min of pink noise, small presets, look-ahead {rows[0].LookAhead}, 1 thread, CPU seconds of this thread; offline fbank once: {rows[0].FbankCpuSeconds:0.00} s (cached per run in training)"));
            string[] header = ["model", "params", "sal eval streaming s", "dev forward s", "speed-up", "max |diff|"];
            var cells = rows.Select(r => new[]
            {
                r.Family, r.Parameters.ToString("N0", inv), r.StreamedCpuSeconds.ToString("F2", inv), r.ForwardCpuSeconds.ToString("F2", inv),
                r.Speedup.ToString("F1", inv) + "x", r.MaxAbsDifference.ToString("0.0e+0", inv),
            }).ToArray();
            ConsoleTable.Write(header, cells);
            return 0;
        });
        return command;
    }
}
