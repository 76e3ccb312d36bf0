using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Importers;

/// <summary>
/// Word alignments to keyword events: Praat TextGrids as written by the Montreal Forced Aligner (one per WAV, same
/// relative path and base name under the alignment folder, or directly in it) or a CTM whose utterance ids are WAV
/// base names. Every occurrence of the keyword phrase becomes an event from its first word's start to its last
/// word's end; clips without it are kept as negatives unless asked otherwise.
/// </summary>
public static class AlignmentImporter
{
    public static ImportResult FromTextGrids(string audioDir, string alignDir, string manifestPath, AlignmentImportOptions options)
    {
        if (!Directory.Exists(alignDir))
        {
            throw new DirectoryNotFoundException($"{alignDir}: alignment folder not found");
        }
        return Import(audioDir, manifestPath, options, (wav, rel) =>
        {
            var relDir = Path.GetDirectoryName(rel) ?? "";
            var name = Path.GetFileNameWithoutExtension(wav) + ".TextGrid";
            var candidates = new[] { Path.Combine(alignDir, relDir, name), Path.Combine(alignDir, name) };
            var found = candidates.FirstOrDefault(File.Exists);
            return found is null ? null : TextGridReader.ReadTier(found, options.Tier);
        }, "TextGrid");
    }

    public static ImportResult FromCtm(string ctmPath, string audioDir, string manifestPath, AlignmentImportOptions options)
    {
        var ctm = CtmReader.Read(ctmPath);
        return Import(audioDir, manifestPath, options,
            (wav, _) => ctm.TryGetValue(Path.GetFileNameWithoutExtension(wav), out var words) ? words : null, "CTM entry");
    }

    private static ImportResult Import(string audioDir, string manifestPath, AlignmentImportOptions options,
        Func<string, string, IReadOnlyList<WordInterval>?> alignmentOf, string what)
    {
        if (!Directory.Exists(audioDir))
        {
            throw new DirectoryNotFoundException($"{audioDir}: audio folder not found");
        }
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var label = options.KeywordLabel ?? string.Join('_', KeywordEvents.Tokens(options.Keyword));
        var entries = new List<ManifestEntry>();
        var skipped = new List<string>();
        foreach (var wav in Directory.GetFiles(audioDir, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var rel = Path.GetRelativePath(audioDir, wav);
            IReadOnlyList<WordInterval>? words;
            WavInfo info;
            try
            {
                words = alignmentOf(wav, rel);
                if (words is null)
                {
                    skipped.Add($"{wav}: no {what} for this file");
                    continue;
                }
                info = WavFile.ReadInfo(wav);
            }
            catch (InvalidDataException ex)
            {
                skipped.Add(ex.Message);
                continue;
            }
            var events = KeywordEvents.Find(words, options.Keyword, label)
                .Select(e => e with { Start = Math.Round(e.Start, 4), End = Math.Round(Math.Min(e.End, info.DurationSeconds), 4) })
                .ToList();
            if (options.OnlyWithKeyword && events.Count == 0)
            {
                continue;
            }
            if (options.SpeechLabel is { } speechLabel && KeywordEvents.SpeechSpan(words, speechLabel) is { } span)
            {
                events.Add(span with { Start = Math.Round(span.Start, 4), End = Math.Round(Math.Min(span.End, info.DurationSeconds), 4) });
            }
            var id = Path.ChangeExtension(rel, null).Replace('\\', '/');
            // MFA corpora keep one folder per speaker: hash the speaker so their clips share a split.
            var speaker = Path.GetDirectoryName(rel) is { Length: > 0 } d ? d.Replace('\\', '/') : id;
            entries.Add(new ManifestEntry
            {
                Id = id,
                Audio = Path.GetRelativePath(baseDir, Path.GetFullPath(wav)),
                Duration = Math.Round(info.DurationSeconds, 4),
                Split = options.Splits.Assign(speaker),
                Events = events.OrderBy(e => e.Start).ToList(),
                Meta = new Dictionary<string, string> { ["speaker"] = speaker, ["text"] = string.Join(' ', words.Select(w => w.Word).Where(w => !KeywordEvents.IsSilence(w.Trim().ToLowerInvariant()))) },
            });
        }
        if (entries.Count == 0 && skipped.Count == 0)
        {
            throw new InvalidDataException($"{audioDir}: no .wav files");
        }
        return new ImportResult(entries, skipped);
    }
}
