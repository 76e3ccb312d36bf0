using StreamingAnchor.Audio;

namespace StreamingAnchor.Data;

/// <summary>
/// Validates every line of a manifest without stopping at the first bad one: parse errors, duplicate ids, missing
/// or unreadable audio, a duration that disagrees with the audio, events outside the clip, overlapping events of the
/// same label, anchors outside the clip, missing or misaligned extra streams. Valid lines are summarised.
/// </summary>
public static class ManifestChecker
{
    private const double Slack = 1e-3;

    public static ManifestCheckResult Check(string path, ManifestCheckOptions? options = null, IProgress<(int Done, int Total)>? progress = null)
    {
        options ??= new ManifestCheckOptions();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: manifest not found", path);
        }
        var lines = File.ReadAllLines(path);
        var baseDir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var problems = new List<ManifestProblem>();
        var good = new List<ManifestEntry>();
        var seenIds = new Dictionary<string, (int Line, string Split)>(StringComparer.Ordinal);
        var nonEmpty = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            progress?.Report((i, lines.Length));
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }
            nonEmpty++;
            var lineNumber = i + 1;
            ManifestEntry entry;
            try
            {
                entry = Manifest.ParseLine(lines[i], path, lineNumber);
            }
            catch (FormatException ex)
            {
                // ParseLine prefixes "path:line: "; the problem already carries the line.
                problems.Add(new ManifestProblem(lineNumber, null, StripPrefix(ex.Message, path, lineNumber)));
                continue;
            }
            var before = problems.Count;
            if (seenIds.TryGetValue(entry.Id, out var first))
            {
                // The same clip in two splits leaks test audio into training: say so plainly.
                var splits = string.Equals(first.Split, entry.Split, StringComparison.OrdinalIgnoreCase)
                    ? ""
                    : $"; the id is in the {first.Split} split there and in the {entry.Split} split here";
                problems.Add(new ManifestProblem(lineNumber, entry.Id, $"duplicate id (first on line {first.Line}{splits})"));
            }
            else
            {
                seenIds[entry.Id] = (lineNumber, entry.Split);
            }
            CheckEntry(entry, lineNumber, baseDir, options, problems);
            if (problems.Count == before)
            {
                good.Add(entry);
            }
        }
        progress?.Report((lines.Length, lines.Length));
        if (nonEmpty == 0)
        {
            problems.Add(new ManifestProblem(0, null, "manifest is empty"));
        }
        return new ManifestCheckResult(path, problems, Summarise(nonEmpty, good));
    }

    /// <summary>Problems shown in the one-line refusal of <see cref="LoadValid"/>; `sal data check` lists them all.</summary>
    public const int ProblemsShown = 3;

    /// <summary>
    /// The manifest every command that trains or evaluates works on: the checks of `sal data check` (audio lengths from
    /// the WAV headers unless <see cref="ManifestCheckOptions.DecodeAudio"/>), and an <see cref="InvalidDataException"/>
    /// naming the first problems (file:line, clip id, problem) and their count when there is any, before any work starts.
    /// </summary>
    public static Manifest LoadValid(string path, ManifestCheckOptions? options = null)
    {
        var result = Check(path, options);
        if (!result.Ok)
        {
            throw new InvalidDataException(Describe(result));
        }
        return Manifest.Load(path);
    }

    /// <summary>One line: the first problems as `sal data check` prints them, then how many there are in all.</summary>
    public static string Describe(ManifestCheckResult result)
    {
        var shown = result.Problems.Take(ProblemsShown).Select(p =>
            (p.Line > 0 ? $"{result.Path}:{p.Line}: " : $"{result.Path}: ") + (p.Id is null ? "" : $"[{p.Id}] ") + p.Message);
        var more = result.Problems.Count > ProblemsShown ? $"; {result.Problems.Count - ProblemsShown} more" : "";
        var count = result.Problems.Count == 1 ? "1 problem" : $"{result.Problems.Count} problems";
        var lines = result.BadLines == 1 ? "1 line" : $"{result.BadLines} lines";
        return $"{string.Join("; ", shown)}{more} ({count} on {lines}; `sal data check {result.Path}` lists them all)";
    }

    private static string StripPrefix(string message, string path, int line)
    {
        var prefix = $"{path}:{line}: ";
        return message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
    }

    private static string Resolve(string baseDir, string p) =>
        System.IO.Path.IsPathRooted(p) ? p : System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDir, p));

    private static void CheckEntry(ManifestEntry e, int line, string baseDir, ManifestCheckOptions options, List<ManifestProblem> problems)
    {
        void Problem(string message) => problems.Add(new ManifestProblem(line, e.Id, message));

        var audio = Resolve(baseDir, e.Audio);
        var duration = e.Duration;
        if (!File.Exists(audio))
        {
            Problem($"audio file missing: {e.Audio}");
        }
        else
        {
            try
            {
                double real;
                if (options.DecodeAudio)
                {
                    var clip = WavFile.Read(audio, targetRate: null);
                    real = clip.DurationSeconds;
                }
                else
                {
                    real = WavFile.ReadInfo(audio).DurationSeconds;
                }
                if (Math.Abs(real - e.Duration) > options.DurationTolerance)
                {
                    Problem($"duration {e.Duration:0.###} s in the manifest but the audio ({audio}) lasts {real:0.###} s");
                }
                duration = Math.Min(duration, real);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Problem($"unreadable audio: {ex.Message}");
            }
        }

        if (!NearMissSpan.TryParse(e, out _, out var nearMissProblem))
        {
            Problem(nearMissProblem);
        }

        foreach (var ev in e.Events)
        {
            if (string.IsNullOrWhiteSpace(ev.Label))
            {
                Problem($"event [{ev.Start:0.###}, {ev.End:0.###}] has no label");
            }
            if (ev.Start < -Slack || ev.End > e.Duration + Slack)
            {
                Problem($"event '{ev.Label}' [{ev.Start:0.###}, {ev.End:0.###}] s lies outside the clip [0, {e.Duration:0.###}] s");
            }
        }
        foreach (var group in e.Events.GroupBy(ev => ev.Label))
        {
            var sorted = group.OrderBy(ev => ev.Start).ToList();
            for (var k = 1; k < sorted.Count; k++)
            {
                if (sorted[k].Start < sorted[k - 1].End - Slack)
                {
                    Problem($"events '{group.Key}' [{sorted[k - 1].Start:0.###}, {sorted[k - 1].End:0.###}] and [{sorted[k].Start:0.###}, {sorted[k].End:0.###}] overlap");
                }
            }
        }
        foreach (var a in e.Anchors ?? [])
        {
            if (a < -Slack || a > e.Duration + Slack)
            {
                Problem($"anchor {a:0.###} s lies outside the clip [0, {e.Duration:0.###}] s");
            }
        }
        foreach (var (name, streamPath) in e.Streams ?? new Dictionary<string, string>())
        {
            var full = Resolve(baseDir, streamPath);
            if (!File.Exists(full))
            {
                Problem($"stream '{name}' file missing: {streamPath}");
                continue;
            }
            try
            {
                var m = FrameStreamFile.Read(full);
                var expected = FrameStreamFile.Grid.FramesIn(duration);
                if (Math.Abs(m.Frames - expected) > options.StreamFrameTolerance)
                {
                    Problem($"stream '{name}' has {m.Frames} frames but the audio has {expected}");
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                Problem($"unreadable stream '{name}': {ex.Message}");
            }
        }
    }

    private static ManifestSummary Summarise(int lines, List<ManifestEntry> good)
    {
        var events = good.SelectMany(e => e.Events).GroupBy(ev => ev.Label)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        var splits = good.GroupBy(e => e.Split).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        return new ManifestSummary(
            lines,
            good.Count,
            good.Sum(e => e.Duration) / 3600.0,
            events,
            splits.ToDictionary(g => g.Key, g => g.Count()),
            splits.ToDictionary(g => g.Key, g => g.Sum(e => e.Duration) / 3600.0),
            good.Count(e => e.Anchors is { Count: > 0 }),
            good.Count(e => e.Streams is { Count: > 0 }));
    }
}
