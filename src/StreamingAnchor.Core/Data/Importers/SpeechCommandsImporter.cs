using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Importers;

/// <summary>
/// Google Speech Commands layout: one folder per word of 1 s clips, <c>validation_list.txt</c> and
/// <c>testing_list.txt</c> naming the dev and test clips (<c>word/file.wav</c>, everything else is train), and
/// <c>_background_noise_</c> holding noise recordings. Clips carry no timing, so each gets one event labelled with its
/// word spanning the speech the energy endpointer finds; clips where it finds none are skipped and reported.
/// </summary>
public static class SpeechCommandsImporter
{
    public const string NoiseFolder = "_background_noise_";

    /// <param name="root">Dataset folder.</param>
    /// <param name="manifestPath">Where the manifest will be written; audio paths are made relative to it.</param>
    /// <param name="words">Word folders to import; null imports every word.</param>
    public static ImportResult Import(string root, string manifestPath, IReadOnlyCollection<string>? words = null,
        EndpointerConfig? endpointer = null, IProgress<(int Done, int Total)>? progress = null, int? maxParallelism = null)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"{root}: Speech Commands folder not found");
        }
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var dev = ReadList(Path.Combine(root, "validation_list.txt"));
        var test = ReadList(Path.Combine(root, "testing_list.txt"));
        var folders = Directory.GetDirectories(root)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(w => w != NoiseFolder && !w.StartsWith('.'))
            .Where(w => words is null || words.Contains(w, StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (words is not null && words.FirstOrDefault(w => !folders.Contains(w, StringComparer.OrdinalIgnoreCase)) is { } missing)
        {
            throw new DirectoryNotFoundException($"{root}: no folder for word '{missing}'");
        }
        var files = folders
            .SelectMany(w => Directory.GetFiles(Path.Combine(root, w), "*.wav").Order(StringComparer.Ordinal).Select(f => (Word: w, Path: f)))
            .ToList();
        if (files.Count == 0)
        {
            throw new InvalidDataException($"{root}: no word folders with .wav files");
        }

        var detector = new EnergyEndpointer(endpointer);
        var entries = new ManifestEntry?[files.Count];
        var skipped = new string?[files.Count];
        var done = 0;
        ParallelWork.For(files.Count, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism ?? Environment.ProcessorCount }, i =>
        {
            var (word, path) = files[i];
            var key = $"{word}/{Path.GetFileName(path)}";
            try
            {
                var clip = WavFile.Read(path, detector.Config.SampleRate);
                var speech = detector.Detect(clip.Samples);
                if (speech is null)
                {
                    skipped[i] = $"{path}: no speech found by the endpointer";
                }
                else
                {
                    entries[i] = new ManifestEntry
                    {
                        Id = $"{word}/{Path.GetFileNameWithoutExtension(path)}",
                        Audio = Path.GetRelativePath(baseDir, Path.GetFullPath(path)),
                        Duration = Math.Round(clip.DurationSeconds, 4),
                        Split = test.Contains(key) ? "test" : dev.Contains(key) ? "dev" : "train",
                        Events = [new ManifestEvent(word, Math.Round(speech.Start, 4), Math.Round(speech.End, 4))],
                        Meta = new Dictionary<string, string> { ["speaker"] = Path.GetFileName(path).Split("_nohash_")[0], ["endpoint"] = "energy" },
                    };
                }
            }
            catch (InvalidDataException ex)
            {
                skipped[i] = ex.Message;
            }
            progress?.Report((Interlocked.Increment(ref done), files.Count));
        });

        var noiseDir = Path.Combine(root, NoiseFolder);
        var noise = Directory.Exists(noiseDir)
            ? Directory.GetFiles(noiseDir, "*.wav").Order(StringComparer.Ordinal).Select(f => new ManifestEntry
            {
                Id = $"{NoiseFolder}/{Path.GetFileNameWithoutExtension(f)}",
                Audio = Path.GetRelativePath(baseDir, Path.GetFullPath(f)),
                Duration = Math.Round(WavFile.ReadInfo(f).DurationSeconds, 4),
                Split = "train",
            }).ToList()
            : [];
        return new ImportResult(entries.OfType<ManifestEntry>().ToList(), skipped.OfType<string>().ToList()) { Noise = noise };
    }

    private static HashSet<string> ReadList(string path) =>
        File.Exists(path)
            ? File.ReadLines(path).Select(l => l.Trim().Replace('\\', '/')).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal)
            : [];
}
