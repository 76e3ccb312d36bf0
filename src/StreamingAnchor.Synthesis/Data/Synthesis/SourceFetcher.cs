using System.Collections.Concurrent;
using System.IO.Compression;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Makes real sources available without installing them: an installed package is used in place; otherwise
/// <c>apt-get download</c> + <c>dpkg-deb -x</c> into the cache folder (once), keeping only the folders the catalogue
/// reads (and the package's copyright file), so the cache holds audio, not game textures. Audio is decoded once
/// with ffmpeg (G.722, Ogg, Opus, FLAC, MP3) to 16 kHz mono PCM16 WAV in the cache; speech is read whole, music and
/// noise beds only the stretch a stream needs (<see cref="LoadStretch"/>), so a worker never holds a whole album.
/// </summary>
public sealed class SourceFetcher(string cacheDirectory)
{
    private readonly ConcurrentDictionary<string, (RealFile File, string Message)> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, object> _packageLocks = new(StringComparer.Ordinal);

    public string CacheDirectory { get; } = Path.GetFullPath(cacheDirectory);

    /// <summary>Rate of the decoded cache: the generator's rate, so a stretch is read without resampling.</summary>
    public const int DecodedRate = SpeechCut.Rate;

    /// <summary>
    /// One line per recording <see cref="Load"/> could not decode (file and reason), sorted. The generator replaces
    /// such recordings deterministically and reports these lines as warnings, so a corpus never silently loses a source.
    /// </summary>
    public IReadOnlyList<string> Failures => _failures.Values.Select(f => f.Message).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// One line per package with undecodable recordings: the package, how many of its files were skipped and the first
    /// reason (sorted by package), for the run's <c>warning:</c> lines.
    /// </summary>
    public IReadOnlyList<string> FailureSummary() =>
        _failures.Values.GroupBy(f => f.File.Source.Package, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.Select(f => f.Message).Order(StringComparer.Ordinal).First();
                var sources = string.Join(", ", g.Select(f => f.File.Source.Name).Distinct().Order(StringComparer.Ordinal));
                return $"package {g.Key} (source {sources}): {g.Count()} recording(s) could not be decoded and were skipped or replaced; first: {first}";
            }).ToList();

    /// <summary>The source's files (sorted), or a one-line reason why the source cannot be had.</summary>
    public (IReadOnlyList<RealFile> Files, string? Problem) Ensure(RealSource source, CancellationToken cancellationToken)
    {
        string? root;
        string? problem;
        // Sources that share a package (its speech and its music) unpack it once, not side by side into one folder.
        lock (_packageLocks.GetOrAdd(source.Package, _ => new object()))
        {
            // ... nor do two runs sharing the cache (an flock held while the package is unpacked).
            using var processLock = LockPackage(source.Package, cancellationToken);
            root = LocateRoot(source, cancellationToken, out problem);
        }
        if (root is null)
        {
            return ([], problem);
        }
        if (!Directory.Exists(root))
        {
            return ([], $"package {source.Package} (source {source.Name}): folder {source.Root} is missing; all its recordings are skipped");
        }
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f))
            .Where(rel => source.Extensions.Contains(Path.GetExtension(rel).ToLowerInvariant()))
            .Where(rel => !source.Excluded(rel))
            .Order(StringComparer.Ordinal)
            .Select(rel => new RealFile(source, rel, Path.Combine(root, rel)))
            .ToList();
        return files.Count == 0
            ? ([], $"package {source.Package} (source {source.Name}): no audio files under {root}; skipped")
            : (files, null);
    }

    /// <summary>
    /// The version of the package the source is read from: the installed one when used in place, else the one
    /// recorded when it was unpacked into the cache (null when unknown).
    /// </summary>
    public string? PackageVersion(RealSource source)
    {
        if (source.Archive is null && Directory.Exists("/" + source.Root) && ToolRunner.Exists("dpkg-query"))
        {
            var query = ToolRunner.Run("dpkg-query", ["-W", "-f=${Version}", source.Package]);
            return query.ExitCode == 0 && query.StdoutText.Trim().Length > 0 ? query.StdoutText.Trim() : null;
        }
        var marker = Path.Combine(PackageDirectory(source.Package), ".complete");
        var parts = File.Exists(marker) ? File.ReadAllText(marker).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        if (parts.Length >= 2)
        {
            return parts[1];
        }
        // Unpacked by an older version that did not record it: the first line of the Debian changelog,
        // "package (version) distribution; urgency=...".
        var changelog = Path.Combine(PackageDirectory(source.Package), "usr/share/doc", source.Package, "changelog.Debian.gz");
        if (!File.Exists(changelog))
        {
            return null;
        }
        using var reader = new StreamReader(new GZipStream(File.OpenRead(changelog), CompressionMode.Decompress));
        var first = reader.ReadLine() ?? "";
        var open = first.IndexOf('(', StringComparison.Ordinal);
        var close = first.IndexOf(')', StringComparison.Ordinal);
        return open >= 0 && close > open ? first[(open + 1)..close] : null;
    }

    /// <summary>Waits for, then holds, the cache's lock on one package (released by disposing it).</summary>
    private FileStream? LockPackage(string package, CancellationToken cancellationToken)
    {
        var locks = Path.Combine(CacheDirectory, "locks");
        Directory.CreateDirectory(locks);
        var path = Path.Combine(locks, package + ".lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                // Another run is downloading or unpacking this package; the lock goes with its process, even on kill -9.
                cancellationToken.WaitHandle.WaitOne(500);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>
    /// apt-get download into a private folder, then each finished .deb renamed into <c>debs/</c>: another run never
    /// sees half a download, and a killed one leaves only its private folder, removed by the next download.
    /// </summary>
    private ToolRunner.ToolResult Download(IReadOnlyList<string> packages, CancellationToken cancellationToken)
    {
        var debs = Path.Combine(CacheDirectory, "debs");
        Directory.CreateDirectory(debs);
        foreach (var stale in Directory.EnumerateDirectories(debs, ".download-*"))
        {
            var pid = Path.GetFileName(stale).Split('-') is [_, var p, ..] && int.TryParse(p, out var n) ? n : 0;
            if (pid > 0 && !AtomicFile.IsAlive(pid))
            {
                Directory.Delete(stale, recursive: true);
            }
        }
        var own = Path.Combine(debs, $".download-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(own);
        try
        {
            var run = ToolRunner.Run("apt-get", ["download", "-qq", .. packages], workingDirectory: own, cancellationToken: cancellationToken);
            foreach (var deb in Directory.EnumerateFiles(own, "*.deb"))
            {
                File.Move(deb, Path.Combine(debs, Path.GetFileName(deb)), overwrite: true);
            }
            return run;
        }
        finally
        {
            Directory.Delete(own, recursive: true);
        }
    }

    /// <summary>Where the package is unpacked in the cache (whether or not it is yet).</summary>
    public string PackageDirectory(string package) => Path.Combine(CacheDirectory, package);

    private string? LocateRoot(RealSource source, CancellationToken cancellationToken, out string? problem)
    {
        problem = null;
        if (source.Archive is null && Directory.Exists("/" + source.Root))
        {
            return "/" + source.Root;
        }
        var extracted = PackageDirectory(source.Package);
        var marker = Path.Combine(extracted, ".complete");
        if (File.Exists(marker))
        {
            if (Directory.Exists(Path.Combine(extracted, source.Root)))
            {
                return Path.Combine(extracted, source.Root);
            }
            // Unpacked for an older catalogue that read other folders of it: unpacked again below.
            File.Delete(marker);
        }
        if (!ToolRunner.Exists("apt-get") || !ToolRunner.Exists("dpkg-deb"))
        {
            problem = $"package {source.Package} (source {source.Name}) is not installed and apt-get/dpkg-deb are unavailable; all its recordings are skipped";
            return null;
        }
        var debs = Path.Combine(CacheDirectory, "debs");
        Directory.CreateDirectory(debs);
        var deb = FindDeb(debs, source.Package);
        if (deb is null)
        {
            var download = Download([source.Package], cancellationToken);
            deb = FindDeb(debs, source.Package);
            if (download.ExitCode != 0 || deb is null)
            {
                var why = download.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .FirstOrDefault(l => l.StartsWith("E:", StringComparison.Ordinal)) ?? $"exit code {download.ExitCode}";
                problem = $"package {source.Package} (source {source.Name}): apt-get download failed ({why}); all its recordings are skipped";
                return null;
            }
        }
        // Unpacked beside the final folder and renamed into place only when complete, marker last: a run killed at
        // any point leaves either nothing or a staging folder the next run deletes.
        var staging = extracted + ".partial";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }
        var unpack = ToolRunner.Run("dpkg-deb", ["-x", deb, staging], cancellationToken: cancellationToken);
        if (unpack.ExitCode != 0)
        {
            problem = $"package {source.Package} (source {source.Name}): dpkg-deb -x {Path.GetFileName(deb)} failed ({ErrorText.OneLine(unpack.Stderr)}); all its recordings are skipped";
            return null;
        }
        try
        {
            KeepOnlyCatalogued(staging, source.Package, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            problem = $"package {source.Package} (source {source.Name}): cannot unpack its audio ({ErrorText.OneLine(ex.Message)}); all its recordings are skipped";
            return null;
        }
        if (Directory.Exists(extracted))
        {
            Directory.Delete(extracted, recursive: true);
        }
        var version = ToolRunner.Run("dpkg-deb", ["-f", deb, "Version"], cancellationToken: cancellationToken).StdoutText.Trim();
        Directory.Move(staging, extracted);
        AtomicFile.WriteAllText(marker, $"{source.Package} {version}\n");
        // The audio is kept; the .deb can be downloaded again, and some are gigabytes.
        File.Delete(deb);
        return Path.Combine(extracted, source.Root);
    }

    /// <summary>
    /// Reduces an unpacked package to what the catalogue reads from it: the roots of its sources (members of a zip
    /// archive are extracted first, then the archive dropped) and usr/share/doc (the licence).
    /// </summary>
    private static void KeepOnlyCatalogued(string staging, string package, CancellationToken cancellationToken)
    {
        var sources = RealSourceCatalog.All.Where(s => s.Package == package).ToList();
        var keep = new List<string> { "usr/share/doc" };
        foreach (var archive in sources.Where(s => s.Archive is not null).GroupBy(s => s.Archive!))
        {
            var zipPath = Path.Combine(staging, archive.Key);
            var roots = archive.Select(s => s.Root.TrimEnd('/') + "/").ToList();
            using (var zip = ZipFile.OpenRead(zipPath))
            {
                var target = Path.GetFullPath(staging) + Path.DirectorySeparatorChar;
                foreach (var entry in zip.Entries)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (entry.FullName.EndsWith('/') || !roots.Any(r => entry.FullName.StartsWith(r, StringComparison.Ordinal)))
                    {
                        continue;
                    }
                    var path = Path.GetFullPath(Path.Combine(staging, entry.FullName));
                    if (!path.StartsWith(target, StringComparison.Ordinal))
                    {
                        throw new InvalidDataException($"{zipPath}: member {entry.FullName} points outside the package");
                    }
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    entry.ExtractToFile(path, overwrite: true);
                }
            }
            keep.AddRange(archive.Select(s => s.Root));
        }
        keep.AddRange(sources.Where(s => s.Archive is null).Select(s => s.Root));
        var kept = keep.Select(k => k.Trim('/')).ToList();
        Prune(staging, "", kept);
    }

    /// <summary>Deletes everything under <paramref name="dir"/> that is neither inside nor above a kept path.</summary>
    private static void Prune(string baseDir, string relative, IReadOnlyList<string> kept)
    {
        var dir = Path.Combine(baseDir, relative);
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir).ToList())
        {
            var rel = Path.GetRelativePath(baseDir, entry).Replace(Path.DirectorySeparatorChar, '/');
            if (kept.Any(k => rel == k || rel.StartsWith(k + "/", StringComparison.Ordinal)))
            {
                continue;
            }
            if (Directory.Exists(entry) && kept.Any(k => k.StartsWith(rel + "/", StringComparison.Ordinal)))
            {
                Prune(baseDir, rel, kept);
                continue;
            }
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }

    /// <summary>
    /// Downloads every package that is neither installed nor extracted yet in one apt-get call (one start-up, one
    /// index read); a failure here is not reported, <see cref="Ensure"/> then retries package by package and says why.
    /// </summary>
    public void Prefetch(IEnumerable<RealSource> sources, CancellationToken cancellationToken)
    {
        var debs = Path.Combine(CacheDirectory, "debs");
        var missing = sources
            .Where(s => (s.Archive is not null || !Directory.Exists("/" + s.Root))
                && !File.Exists(Path.Combine(PackageDirectory(s.Package), ".complete")))
            .Select(s => s.Package).Distinct()
            .Where(p => !Directory.Exists(debs) || FindDeb(debs, p) is null)
            .ToList();
        if (missing.Count == 0 || !ToolRunner.Exists("apt-get"))
        {
            return;
        }
        Download(missing, cancellationToken);
    }

    private static string? FindDeb(string folder, string package) =>
        Directory.EnumerateFiles(folder, $"{package}_*.deb").Order(StringComparer.Ordinal).FirstOrDefault();

    /// <summary>Decodes (once, cached) and reads a whole recording as 16 kHz mono.</summary>
    public float[] Load(RealFile file, CancellationToken cancellationToken) =>
        Guard(file, () => WavFile.Read(Decoded(file, cancellationToken)).Samples);

    /// <summary>Frames of the decoded recording (decoding it once if needed).</summary>
    public int Frames(RealFile file, CancellationToken cancellationToken) =>
        Guard(file, () => WavFile.ReadInfo(Decoded(file, cancellationToken)).Frames);

    /// <summary>
    /// <paramref name="length"/> samples of the recording from frame <paramref name="start"/>, looping to its start
    /// when it ends: only those samples are read from the decoded file, whatever its length.
    /// </summary>
    public float[] LoadStretch(RealFile file, long start, int length, CancellationToken cancellationToken) =>
        Guard(file, () =>
        {
            var path = Decoded(file, cancellationToken);
            var frames = WavFile.ReadInfo(path).Frames;
            var result = new float[length];
            if (frames == 0)
            {
                return result;
            }
            var done = 0;
            var position = start % frames;
            while (done < length)
            {
                var take = (int)Math.Min(length - done, frames - position);
                WavFile.ReadRange(path, position, take).Samples.CopyTo(result, done);
                done += take;
                position = 0;
            }
            return result;
        });

    private T Guard<T>(RealFile file, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is IOException or FormatException or InvalidDataException)
        {
            var error = new SynthesisException($"{file.FullPath}: cannot decode ({ErrorText.OneLine(ex.Message)})", ex);
            _failures.TryAdd(file.FullPath, (file, error.Message));
            throw error;
        }
        catch (SynthesisException ex)
        {
            _failures.TryAdd(file.FullPath, (file, ex.Message));
            throw;
        }
    }

    /// <summary>The decoded 16 kHz WAV of a recording, made once (atomically: a killed decode leaves no file).</summary>
    private string Decoded(RealFile file, CancellationToken cancellationToken)
    {
        var decoded = Path.Combine(CacheDirectory, "decoded16k", file.Source.Package, file.Source.Root, file.RelativePath + ".wav");
        if (File.Exists(decoded))
        {
            return decoded;
        }
        AtomicFile.Write(decoded, tmp =>
        {
            var args = new List<string> { "-nostdin", "-v", "error", "-y" };
            if (file.FullPath.EndsWith(".g722", StringComparison.OrdinalIgnoreCase))
            {
                args.AddRange(["-f", "g722"]);
            }
            // "file:" keeps ffmpeg from reading a protocol or option out of a file name ("concat:...", "-x.wav").
            args.AddRange(["-i", "file:" + Path.GetFullPath(file.FullPath), "-ac", "1", "-ar", DecodedRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-c:a", "pcm_s16le", "-bitexact", "-f", "wav", "file:" + Path.GetFullPath(tmp)]);
            var run = ToolRunner.Run("ffmpeg", args, cancellationToken: cancellationToken);
            if (run.ExitCode != 0)
            {
                throw new SynthesisException($"{file.FullPath}: ffmpeg cannot decode it ({ErrorText.OneLine(run.Stderr)})");
            }
        });
        return decoded;
    }
}
