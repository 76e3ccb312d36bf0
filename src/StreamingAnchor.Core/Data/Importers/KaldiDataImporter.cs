using System.Globalization;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Importers;

/// <summary>
/// A Kaldi data directory: <c>wav.scp</c> (recording id, WAV path; piped commands are skipped and reported),
/// optional <c>segments</c> (utterance, recording, start, end) which become events labelled
/// <see cref="KaldiImportOptions.SegmentLabel"/>, optional <c>text</c> (kept as meta when a recording is one
/// utterance), optional <c>utt2spk</c> (split hashing by speaker), and an optional CTM whose word times (relative to
/// the utterance; shifted by the segment start when the utterance is a segment) give keyword events.
/// </summary>
public static class KaldiDataImporter
{
    public static ImportResult Import(string dataDir, string manifestPath, KaldiImportOptions? options = null)
    {
        options ??= new KaldiImportOptions();
        var scp = Path.Combine(dataDir, "wav.scp");
        if (!File.Exists(scp))
        {
            throw new FileNotFoundException($"{dataDir}: not a Kaldi data directory (no wav.scp)", scp);
        }
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var skipped = new List<string>();
        var recordings = new List<(string Id, string Path)>();
        foreach (var (line, fields, raw) in Lines(scp, 2))
        {
            var rest = raw[fields[0].Length..].Trim();
            if (rest.EndsWith('|'))
            {
                skipped.Add($"{scp}:{line}: recording '{fields[0]}' is a piped command; convert it to a WAV file first");
                continue;
            }
            var path = Path.IsPathRooted(rest) ? rest : Path.GetFullPath(Path.Combine(dataDir, rest));
            recordings.Add((fields[0], path));
        }

        var segments = new Dictionary<string, List<(string Utt, double Start, double End)>>(StringComparer.Ordinal);
        var segmentOf = new Dictionary<string, (string Rec, double Start)>(StringComparer.Ordinal);
        var segPath = Path.Combine(dataDir, "segments");
        if (File.Exists(segPath))
        {
            foreach (var (line, f, _) in Lines(segPath, 4))
            {
                if (!double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var start)
                    || !double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var end) || end < start || start < 0)
                {
                    throw new InvalidDataException($"{segPath}:{line}: bad segment times '{f[2]} {f[3]}'");
                }
                if (!segments.TryGetValue(f[1], out var list))
                {
                    segments[f[1]] = list = [];
                }
                list.Add((f[0], start, end));
                segmentOf[f[0]] = (f[1], start);
            }
        }
        var text = ReadMap(Path.Combine(dataDir, "text"));
        var speakers = ReadMap(Path.Combine(dataDir, "utt2spk"));
        var ctm = options.CtmPath is { } c ? CtmReader.Read(c) : null;
        if (ctm is not null && string.IsNullOrWhiteSpace(options.Keyword))
        {
            throw new ArgumentException("a CTM needs --keyword to know which words become events");
        }
        var keywordLabel = options.Keyword is { } k ? options.KeywordLabel ?? string.Join('_', KeywordEvents.Tokens(k)) : null;

        // Keyword words per recording, in recording time.
        var keywordEvents = new Dictionary<string, List<ManifestEvent>>(StringComparer.Ordinal);
        foreach (var (utt, words) in ctm ?? [])
        {
            var (rec, offset) = segmentOf.TryGetValue(utt, out var s) ? s : (utt, 0.0);
            var found = KeywordEvents.Find(words, options.Keyword!, keywordLabel!)
                .Select(e => e with { Start = Math.Round(e.Start + offset, 4), End = Math.Round(e.End + offset, 4) });
            if (!keywordEvents.TryGetValue(rec, out var list))
            {
                keywordEvents[rec] = list = [];
            }
            list.AddRange(found);
        }

        var entries = new List<ManifestEntry>();
        foreach (var (id, path) in recordings)
        {
            WavInfo info;
            try
            {
                info = WavFile.ReadInfo(path);
            }
            catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException)
            {
                skipped.Add(ex.Message);
                continue;
            }
            var events = new List<ManifestEvent>();
            if (options.SegmentLabel is { } label && segments.TryGetValue(id, out var segs))
            {
                events.AddRange(segs.OrderBy(x => x.Start).Select(x => new ManifestEvent(label, x.Start, Math.Min(x.End, info.DurationSeconds))));
            }
            if (keywordEvents.TryGetValue(id, out var kw))
            {
                events.AddRange(kw);
            }
            var firstUtt = segments.TryGetValue(id, out var sg) && sg.Count > 0 ? sg[0].Utt : id;
            var speaker = speakers.TryGetValue(firstUtt, out var found) ? found : null;
            var speakerKey = speaker ?? id;
            var meta = new Dictionary<string, string>();
            if (speaker is not null)
            {
                meta["speaker"] = speaker;
            }
            if (!segments.ContainsKey(id) && text.TryGetValue(id, out var transcript))
            {
                meta["text"] = transcript;
            }
            entries.Add(new ManifestEntry
            {
                Id = id,
                Audio = Path.GetRelativePath(baseDir, path),
                Duration = Math.Round(info.DurationSeconds, 4),
                Split = options.Splits.Assign(speakerKey),
                Events = events.OrderBy(e => e.Start).ToList(),
                Meta = meta.Count > 0 ? meta : null,
            });
        }
        return new ImportResult(entries, skipped);
    }

    private static IEnumerable<(int Line, string[] Fields, string Raw)> Lines(string path, int minFields)
    {
        var n = 0;
        foreach (var raw in File.ReadLines(path))
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < minFields)
            {
                throw new InvalidDataException($"{path}:{n}: expected at least {minFields} fields, got '{line}'");
            }
            yield return (n, fields, line);
        }
    }

    private static Dictionary<string, string> ReadMap(string path)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return map;
        }
        foreach (var (_, f, raw) in Lines(path, 1))
        {
            map[f[0]] = raw[f[0].Length..].Trim();
        }
        return map;
    }
}
