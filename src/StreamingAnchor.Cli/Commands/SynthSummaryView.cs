using System.Globalization;
using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Cli.Commands;

/// <summary>Prints a <see cref="CorpusSummary"/>: one line per split, then disk use (plain text, so logs keep it).</summary>
internal static class SynthSummaryView
{
    public static void Print(CorpusSummary summary)
    {
        var inv = CultureInfo.InvariantCulture;
        var kinds = summary.Splits.SelectMany(s => s.BedHours.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var header = new List<string> { "split", "clips", "long", "voices", "packages", "speech h" };
        header.AddRange(kinds.Select(k => $"{k} h"));
        header.AddRange(["positives", "negative h", "long h", "total h"]);
        var rows = new List<List<string>> { header };
        foreach (var s in summary.Splits)
        {
            var row = new List<string>
            {
                s.Split, s.Clips.ToString(inv), s.LongStreams.ToString(inv), s.Voices.ToString(inv), s.Packages.ToString(inv),
                s.SpeechHours is { } h ? h.ToString("F2", inv) : "-",
            };
            row.AddRange(kinds.Select(k => s.BedHours.TryGetValue(k, out var v) ? v.ToString("F2", inv) : "0.00"));
            row.AddRange([s.PositiveClips.ToString(inv), s.NegativeHours.ToString("F2", inv), s.LongHours.ToString("F2", inv), s.Hours.ToString("F2", inv)]);
            rows.Add(row);
        }
        var widths = Enumerable.Range(0, header.Count).Select(c => rows.Max(r => r[c].Length)).ToList();
        Console.WriteLine("corpus by split (background columns: stream hours by the kind of their background):");
        foreach (var row in rows)
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))));
        }
        static string Mb(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);
        Console.WriteLine($"disk: audio {Mb(summary.AudioBytes)} MB, streams {Mb(summary.StreamBytes)} MB, work folder (TTS cache, sidecars) {Mb(summary.WorkBytes)} MB");
    }
}
