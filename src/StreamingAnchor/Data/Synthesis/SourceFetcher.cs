using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Makes real sources available without installing them: an installed package is used in place; otherwise
/// <c>apt-get download</c> + <c>dpkg-deb -x</c> into the cache folder (once). Audio is decoded with ffmpeg (G.722,
/// Ogg, FLAC, MP3) to mono WAV in the cache, then read through <see cref="WavFile"/> (resampled to 16 kHz).
/// </summary>
public sealed class SourceFetcher(string cacheDirectory)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _failures = new(StringComparer.Ordinal);

    /// <summary>
    /// Recordings already read and resampled to 16 kHz, kept while they fit in <see cref="MemoryBudgetBytes"/>: a noise
    /// bed or a music file serves many streams, and resampling 44.1 kHz audio on every use was most of the rendering
    /// time of long streams. Callers never write into the arrays (<see cref="Load"/>).
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, float[]> _loaded = new(StringComparer.Ordinal);
    private long _loadedBytes;

    /// <summary>Most bytes of decoded audio kept in memory (first come, kept; later files are read on every use).</summary>
    public long MemoryBudgetBytes { get; init; } = 1L << 30;

    public string CacheDirectory { get; } = Path.GetFullPath(cacheDirectory);

    /// <summary>
    /// One line per recording <see cref="Load"/> could not decode (file and reason), sorted. The generator replaces
    /// such recordings deterministically and reports these lines as warnings, so a corpus never silently loses a source.
    /// </summary>
    public IReadOnlyList<string> Failures => _failures.Values.Order(StringComparer.Ordinal).ToList();

    /// <summary>The source's files (sorted), or a one-line reason why the source cannot be had.</summary>
    public (IReadOnlyList<RealFile> Files, string? Problem) Ensure(RealSource source, CancellationToken cancellationToken)
    {
        var root = LocateRoot(source, cancellationToken, out var problem);
        if (root is null)
        {
            return ([], problem);
        }
        var exclude = source.Exclude.ToHashSet(StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f))
            .Where(rel => source.Extensions.Contains(Path.GetExtension(rel).ToLowerInvariant()))
            .Where(rel => !rel.Split(Path.DirectorySeparatorChar).SkipLast(1).Any(exclude.Contains))
            .Order(StringComparer.Ordinal)
            .Select(rel => new RealFile(source, rel, Path.Combine(root, rel)))
            .ToList();
        return files.Count == 0
            ? ([], $"source '{source.Name}': no audio files under {root}")
            : (files, null);
    }

    private string? LocateRoot(RealSource source, CancellationToken cancellationToken, out string? problem)
    {
        problem = null;
        var installed = "/" + source.Root;
        if (Directory.Exists(installed))
        {
            return installed;
        }
        var extracted = Path.Combine(CacheDirectory, source.Package);
        var marker = Path.Combine(extracted, ".complete");
        if (File.Exists(marker))
        {
            return Path.Combine(extracted, source.Root);
        }
        if (!ToolRunner.Exists("apt-get") || !ToolRunner.Exists("dpkg-deb"))
        {
            problem = $"source '{source.Name}': package {source.Package} is not installed and apt-get/dpkg-deb are unavailable";
            return null;
        }
        var debs = Path.Combine(CacheDirectory, "debs");
        Directory.CreateDirectory(debs);
        var deb = FindDeb(debs, source.Package);
        if (deb is null)
        {
            var download = ToolRunner.Run("apt-get", ["download", "-qq", source.Package], workingDirectory: debs,
                cancellationToken: cancellationToken);
            deb = FindDeb(debs, source.Package);
            if (download.ExitCode != 0 || deb is null)
            {
                var why = download.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .FirstOrDefault(l => l.StartsWith("E:", StringComparison.Ordinal)) ?? $"exit code {download.ExitCode}";
                problem = $"source '{source.Name}': apt-get download {source.Package} failed ({why}); continuing without it";
                return null;
            }
        }
        var staging = extracted + ".partial";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }
        var unpack = ToolRunner.Run("dpkg-deb", ["-x", deb, staging], cancellationToken: cancellationToken);
        if (unpack.ExitCode != 0)
        {
            problem = $"source '{source.Name}': dpkg-deb -x {Path.GetFileName(deb)} failed ({unpack.Stderr.Trim()}); continuing without it";
            return null;
        }
        if (Directory.Exists(extracted))
        {
            Directory.Delete(extracted, recursive: true);
        }
        Directory.Move(staging, extracted);
        File.WriteAllText(marker, source.Package + "\n");
        return Path.Combine(extracted, source.Root);
    }

    /// <summary>
    /// Downloads every package that is neither installed nor extracted yet in one apt-get call (one start-up, one
    /// index read); a failure here is not reported, <see cref="Ensure"/> then retries package by package and says why.
    /// </summary>
    public void Prefetch(IEnumerable<RealSource> sources, CancellationToken cancellationToken)
    {
        var debs = Path.Combine(CacheDirectory, "debs");
        var missing = sources
            .Where(s => !Directory.Exists("/" + s.Root) && !File.Exists(Path.Combine(CacheDirectory, s.Package, ".complete")))
            .Select(s => s.Package).Distinct()
            .Where(p => !Directory.Exists(debs) || FindDeb(debs, p) is null)
            .ToList();
        if (missing.Count == 0 || !ToolRunner.Exists("apt-get"))
        {
            return;
        }
        Directory.CreateDirectory(debs);
        ToolRunner.Run("apt-get", ["download", "-qq", .. missing], workingDirectory: debs, cancellationToken: cancellationToken);
    }

    private static string? FindDeb(string folder, string package) =>
        Directory.EnumerateFiles(folder, $"{package}_*.deb").Order(StringComparer.Ordinal).FirstOrDefault();

    /// <summary>
    /// Decodes (once, cached on disk) and reads a recording as 16 kHz mono. The array may be shared with other callers
    /// (kept in memory): read it, never write into it.
    /// </summary>
    public float[] Load(RealFile file, CancellationToken cancellationToken)
    {
        try
        {
            if (_loaded.TryGetValue(file.FullPath, out var kept))
            {
                return kept;
            }
            var x = Decode(file, cancellationToken);
            // Counted before it is kept, so two workers cannot both squeeze under the budget; given back when not kept.
            if (Interlocked.Add(ref _loadedBytes, 4L * x.Length) > MemoryBudgetBytes || !_loaded.TryAdd(file.FullPath, x))
            {
                Interlocked.Add(ref _loadedBytes, -4L * x.Length);
            }
            return x;
        }
        catch (SynthesisException ex)
        {
            _failures.TryAdd(file.FullPath, ex.Message);
            throw;
        }
    }

    private float[] Decode(RealFile file, CancellationToken cancellationToken)
    {
        var decoded = Path.Combine(CacheDirectory, "decoded", file.Source.Name, file.RelativePath + ".wav");
        if (!File.Exists(decoded))
        {
            AtomicFile.Write(decoded, tmp =>
            {
                var args = new List<string> { "-nostdin", "-v", "error", "-y" };
                if (file.FullPath.EndsWith(".g722", StringComparison.OrdinalIgnoreCase))
                {
                    args.AddRange(["-f", "g722"]);
                }
                // "file:" keeps ffmpeg from reading a protocol or option out of a file name ("concat:...", "-x.wav").
                args.AddRange(["-i", "file:" + Path.GetFullPath(file.FullPath), "-ac", "1", "-c:a", "pcm_s16le", "-f", "wav",
                    "file:" + Path.GetFullPath(tmp)]);
                var run = ToolRunner.Run("ffmpeg", args, cancellationToken: cancellationToken);
                if (run.ExitCode != 0)
                {
                    throw new SynthesisException($"{file.FullPath}: ffmpeg cannot decode it ({ErrorText.OneLine(run.Stderr)})");
                }
            });
        }
        try
        {
            return WavFile.Read(decoded).Samples;
        }
        catch (Exception ex) when (ex is IOException or FormatException or InvalidDataException)
        {
            throw new SynthesisException($"{file.FullPath}: cannot decode ({ex.Message})", ex);
        }
    }
}
