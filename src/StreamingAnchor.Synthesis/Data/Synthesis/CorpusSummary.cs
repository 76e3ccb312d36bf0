namespace StreamingAnchor.Data.Synthesis;

/// <summary>What one split of a corpus holds, read from its manifest (<see cref="CorpusSummary"/>).</summary>
/// <param name="Voices">Distinct synthetic voices (TTS voice configurations; real speakers are counted as packages).</param>
/// <param name="Packages">Distinct real-audio packages (speech and backgrounds).</param>
/// <param name="SpeechHours">Placed speech (first to last phone of every item), or null for a corpus whose meta lacks it.</param>
/// <param name="BedHours">Stream hours by background kind: noise, music, ... (a real source's kind), generated, none.</param>
/// <param name="NegativeHours">Streams without an event, long streams included.</param>
public sealed record SplitSummary(
    string Split,
    int Clips,
    int LongStreams,
    int Voices,
    int Packages,
    double? SpeechHours,
    IReadOnlyDictionary<string, double> BedHours,
    int PositiveClips,
    double NegativeHours,
    double LongHours,
    double Hours);

/// <summary>
/// Counts per split of a generated corpus from its manifest's <c>meta</c> (so it works on any corpus, including one
/// made by an older version: what its meta lacks is derived from <c>voices</c> and <c>noise</c> or left unknown) and the
/// disk use of its folder.
/// </summary>
public sealed record CorpusSummary(IReadOnlyList<SplitSummary> Splits, long AudioBytes, long StreamBytes, long WorkBytes)
{
    /// <summary>Reads the corpus in <paramref name="path"/> (its folder or its manifest).</summary>
    public static CorpusSummary Read(string path)
    {
        var manifestPath = Directory.Exists(path) ? Path.Combine(path, CorpusGenerator.ManifestName) : path;
        if (!File.Exists(manifestPath))
        {
            throw new SynthesisException($"{manifestPath}: no manifest (is the corpus finished? a sharded one needs `sal synth merge`)");
        }
        var manifest = Manifest.Load(manifestPath);
        var folder = manifest.BaseDirectory;
        return new CorpusSummary(Of(manifest.Entries),
            Bytes(Path.Combine(folder, "audio")), Bytes(Path.Combine(folder, "streams")), Bytes(Path.Combine(folder, CorpusFolder.WorkName)));
    }

    /// <summary>One row per split present, in train, dev, test order (other split names after them).</summary>
    public static IReadOnlyList<SplitSummary> Of(IEnumerable<ManifestEntry> entries) =>
        entries.GroupBy(e => e.Split)
            .OrderBy(g => g.Key switch { "train" => 0, "dev" => 1, "test" => 2, _ => 3 }).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => OfSplit(g.Key, g.ToList()))
            .ToList();

    private static SplitSummary OfSplit(string split, IReadOnlyList<ManifestEntry> entries)
    {
        static string Meta(ManifestEntry e, string key) => e.Meta is { } m && m.TryGetValue(key, out var v) ? v : "";
        static IEnumerable<string> List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var voices = entries.SelectMany(e => List(Meta(e, "voices"))).Where(v => !v.StartsWith("real:", StringComparison.Ordinal));
        var packages = entries.SelectMany(e => e.Meta?.ContainsKey("packages") == true
            ? List(Meta(e, "packages"))
            : List(Meta(e, "voices")).Where(v => v.StartsWith("real:", StringComparison.Ordinal)).Select(v => v[5..])
                .Concat(Meta(e, "noise") is var n && n.Contains(':', StringComparison.Ordinal) && !n.StartsWith("generated:", StringComparison.Ordinal)
                    ? [n.Split(':')[0]] : [])
                .Select(PackageOf));
        double? speech = entries.All(e => e.Meta?.ContainsKey("speech_seconds") == true)
            ? entries.Sum(e => double.Parse(Meta(e, "speech_seconds"), System.Globalization.CultureInfo.InvariantCulture)) / 3600
            : null;
        var beds = entries.GroupBy(BedOf).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(e => e.Duration) / 3600, StringComparer.Ordinal);
        var isLong = entries.Where(e => Meta(e, "type").StartsWith("long-", StringComparison.Ordinal)).ToList();
        return new SplitSummary(split, entries.Count - isLong.Count, isLong.Count, voices.Distinct(StringComparer.Ordinal).Count(),
            packages.Distinct(StringComparer.Ordinal).Count(), speech, beds, entries.Count(e => e.Events.Count > 0),
            entries.Where(e => e.Events.Count == 0).Sum(e => e.Duration) / 3600, isLong.Sum(e => e.Duration) / 3600,
            entries.Sum(e => e.Duration) / 3600);
    }

    /// <summary>The background kind: meta <c>bed</c>, or for older corpora derived from <c>noise</c> (real = noise).</summary>
    private static string BedOf(ManifestEntry e)
    {
        if (e.Meta is { } m && m.TryGetValue("bed", out var bed))
        {
            return bed;
        }
        var noise = e.Meta is { } n && n.TryGetValue("noise", out var id) ? id : "none";
        return noise == "none" ? "none" : noise.StartsWith("generated:", StringComparison.Ordinal) ? "generated" : "noise";
    }

    private static string PackageOf(string source) =>
        RealSourceCatalog.All.FirstOrDefault(s => s.Name == source)?.Package ?? source;

    private static long Bytes(string folder) =>
        Directory.Exists(folder) ? new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
}
