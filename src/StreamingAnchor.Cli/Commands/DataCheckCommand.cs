using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using StreamingAnchor.Data;

namespace StreamingAnchor.Cli.Commands;

/// <summary>`sal data check manifest.jsonl`: names every broken line with its problem, then summarises the valid ones.</summary>
internal static class DataCheckCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest") { Description = "JSONL manifest to validate" };
        var decode = new Option<bool>("--decode") { Description = "Decode every audio file fully (slower; finds NaN samples), not only its header" };
        var tolerance = new Option<double>("--duration-tolerance")
        {
            Description = "Allowed gap in seconds between the manifest duration and the audio",
            DefaultValueFactory = _ => 0.05,
        };
        var command = new Command("check", "Validate every line of a manifest and summarise clips, hours, events per label and splits");
        command.Arguments.Add(manifest);
        command.Options.Add(decode);
        command.Options.Add(tolerance);
        CommandAction.Set(command, parse =>
        {
            var path = parse.GetValue(manifest)!;
            var options = new ManifestCheckOptions { DecodeAudio = parse.GetValue(decode), DurationTolerance = parse.GetValue(tolerance) };
            var result = CliProgress.Run("checking", (IProgress<(int Done, int Total)> p) => ManifestChecker.Check(path, options, p));
            // Problems go to stderr like every command's errors; the summary of the valid lines stays on stdout.
            foreach (var problem in result.Problems)
            {
                var where = problem.Line > 0 ? $"{path}:{problem.Line}" : path;
                var id = problem.Id is null ? "" : $" [{problem.Id}]";
                Console.Error.WriteLine($"error: {where}:{id} {problem.Message}");
            }
            Print(result);
            return result.Ok ? 0 : 1;
        });
        return command;
    }

    private static void Print(ManifestCheckResult r)
    {
        var s = r.Summary;
        var c = CultureInfo.InvariantCulture;
        var headline = string.Create(c, $"{r.Path}: {s.Lines} lines, {s.Clips} valid clips, {s.Hours:0.###} h, {r.BadLines} lines with problems ({r.Problems.Count} problems)");
        var splitText = string.Join(", ", s.ClipsPerSplit.Select(kv => string.Create(c, $"{kv.Key} {kv.Value} clips {s.HoursPerSplit[kv.Key]:0.###} h")));
        var eventText = s.EventsPerLabel.Count == 0 ? "none" : string.Join(", ", s.EventsPerLabel.Select(kv => $"{kv.Key} {kv.Value}"));
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine(headline);
            Console.WriteLine($"splits: {(splitText.Length == 0 ? "none" : splitText)}");
            Console.WriteLine($"events per label: {eventText}");
            Console.WriteLine($"clips with explicit anchors: {s.ClipsWithAnchors}, with extra streams: {s.ClipsWithStreams}");
            return;
        }
        AnsiConsole.MarkupLine(Markup.Escape(headline));
        var table = new Table().AddColumns("split", "clips", "hours");
        foreach (var (split, clips) in s.ClipsPerSplit)
        {
            table.AddRow(Markup.Escape(split), clips.ToString(c), s.HoursPerSplit[split].ToString("0.###", c));
        }
        AnsiConsole.Write(table);
        var events = new Table().AddColumns("label", "events");
        foreach (var (label, count) in s.EventsPerLabel)
        {
            events.AddRow(Markup.Escape(label), count.ToString(c));
        }
        AnsiConsole.Write(events);
        AnsiConsole.MarkupLine($"clips with explicit anchors: {s.ClipsWithAnchors}, with extra streams: {s.ClipsWithStreams}");
    }
}
