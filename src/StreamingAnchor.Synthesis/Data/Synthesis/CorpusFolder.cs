using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// The output folder of one corpus, held for a whole <c>sal synth</c> run. An OS lock on <c>.lock</c> (FileShare.None,
/// dropped by the OS when the process dies, so a killed run never leaves a stale lock) keeps a second writer out; the
/// marker <c>.sal-corpus.json</c> records that sal synth made the folder and with which settings, so a folder holding
/// someone else's files, or a corpus made with other settings, is refused instead of mixed into.
/// Shards of one corpus (<see cref="SynthConfig.Shard"/>) run side by side, possibly on several machines of a shared
/// filesystem: each holds <c>.lock</c> shared and its own <c>.work/shards/K-of-N.lock</c> exclusive, so shards exclude
/// an unsharded run, the merge and a second copy of themselves, but not each other. Every clip has its own files, so
/// the only files they share are written atomically with the same content (the marker, the pool summary, the TTS cache).
/// </summary>
public sealed class CorpusFolder : IDisposable
{
    public const string MarkerName = ".sal-corpus.json";
    public const string LockName = ".lock";

    /// <summary>
    /// The holder's pid lives beside the lock, not in it: .NET opens every file with an advisory lock of its own, so
    /// another process cannot read a file held with FileShare.None.
    /// </summary>
    public const string OwnerName = ".lock.owner";

    public const string WorkName = ".work";

    /// <summary>The marker's format: 2 records the settings in camelCase (<see cref="ProjectJson"/>), 1 in PascalCase.</summary>
    public const int MarkerFormat = 2;

    /// <summary>How format-1 markers recorded the settings, to recognise a corpus made before one casing.</summary>
    private static readonly JsonSerializerOptions Format1Options = new() { Converters = { new JsonStringEnumConverter() } };

    private readonly FileStream _lock;
    private FileStream? _shardLock;

    private CorpusFolder(string directory, FileStream lockStream, SynthShard? shard)
    {
        Directory = directory;
        _lock = lockStream;
        Shard = shard;
    }

    public string Directory { get; }

    public string WorkDirectory => Path.Combine(Directory, WorkName);

    /// <summary>The part this run writes; null for a whole corpus (or the merge).</summary>
    public SynthShard? Shard { get; }

    /// <summary>Where TTS engines write their temporary files: one folder per shard, so shards never delete each other's.</summary>
    public string ScratchDirectory => Shard is { } s ? Path.Combine(WorkDirectory, "scratch", "shard-" + s.Name) : Path.Combine(WorkDirectory, "scratch");

    /// <summary>
    /// Locks the folder (creating it if needed) and checks it is this corpus's: empty, or marked by sal synth with the
    /// same settings. With <see cref="SynthConfig.Force"/> a foreign folder is taken over (its files are left alone, ours
    /// overwritten) and a corpus with other settings is discarded and started over.
    /// </summary>
    public static CorpusFolder Open(SynthConfig config)
    {
        var dir = Path.GetFullPath(config.OutputDirectory);
        if (File.Exists(dir))
        {
            throw new SynthesisException($"{dir} is a file; --out needs a folder");
        }
        System.IO.Directory.CreateDirectory(dir);
        var lockPath = Path.Combine(dir, LockName);
        var lockExisted = File.Exists(lockPath);
        var folder = new CorpusFolder(dir, TakeLock(dir, config.Shard is null), config.Shard);
        try
        {
            if (config.Shard is { } shard)
            {
                folder.Claim(config);
                folder.TakeShardLock(shard);
            }
            else
            {
                AtomicFile.WriteAllText(Path.Combine(dir, OwnerName), $"{Environment.ProcessId}\n");
                folder.Claim(config);
            }
            return folder;
        }
        catch
        {
            // A refused folder keeps no trace of us if the lock file was ours to begin with; a shard never removes it,
            // as another shard may hold it (shared) by now, and a new file of the same name would be a second lock.
            folder.Release(removeLockFile: !lockExisted && config.Shard is null);
            throw;
        }
    }

    /// <summary>
    /// Locks a folder sal synth already made, exclusively, without knowing its settings: the merge of a sharded
    /// corpus, which reads them from the marker. Leftovers of killed runs are removed, as no writer holds them now.
    /// </summary>
    public static CorpusFolder OpenExisting(string directory)
    {
        var dir = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(dir))
        {
            throw new SynthesisException($"{dir}: no such folder");
        }
        if (!File.Exists(Path.Combine(dir, MarkerName)))
        {
            throw new SynthesisException($"{dir}: not a corpus folder of sal synth (no {MarkerName})");
        }
        var folder = new CorpusFolder(dir, TakeLock(dir, exclusive: true), null);
        try
        {
            AtomicFile.WriteAllText(Path.Combine(dir, OwnerName), $"{Environment.ProcessId}\n");
            folder.RemoveLeftovers();
            return folder;
        }
        catch
        {
            folder.Release(removeLockFile: false);
            throw;
        }
    }

    private static FileStream TakeLock(string dir, bool exclusive)
    {
        var lockPath = Path.Combine(dir, LockName);
        try
        {
            // .NET takes flock LOCK_EX for FileShare.None and LOCK_SH otherwise; a shared lock is opened read-only
            // because NFS (which emulates flock with fcntl locks) grants a shared lock only on a file open for reading.
            return exclusive
                ? new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)
                : new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (IOException ex) when (ex.GetType() == typeof(IOException))
        {
            throw new SynthesisException($"{dir} is being written by another sal synth ({Holder(dir)}, holding {lockPath}); " +
                "wait for it to finish or choose another --out", ex);
        }
    }

    private void TakeShardLock(SynthShard shard)
    {
        var shards = Path.Combine(WorkDirectory, ShardPart.FolderName);
        System.IO.Directory.CreateDirectory(shards);
        var lockPath = Path.Combine(shards, shard.Name + ".lock");
        try
        {
            _shardLock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex.GetType() == typeof(IOException))
        {
            throw new SynthesisException($"{Directory}: shard {shard} is being written by another sal synth ({ShardHolder(shards, shard.Name)}, " +
                $"holding {lockPath}); wait for it to finish", ex);
        }
        AtomicFile.WriteAllText(Path.Combine(shards, shard.Name + ".owner"), $"{Environment.ProcessId}\n");
        // Our own scratch from a killed run of this shard; other shards' scratch folders are theirs.
        TryDeleteFolder(ScratchDirectory);
    }

    /// <summary>
    /// Removes what sal synth wrote for a previous plan (clips, their sidecars, the pool summary, the manifest); the
    /// TTS cache stays, as it is keyed by content. Used when the settings or the available voices changed and the user
    /// asked to start over.
    /// </summary>
    public void DiscardOutputs()
    {
        foreach (var sub in new[] { Path.Combine(WorkName, "clips"), "audio", "streams" })
        {
            var path = Path.Combine(Directory, sub);
            if (System.IO.Directory.Exists(path))
            {
                System.IO.Directory.Delete(path, recursive: true);
            }
        }
        foreach (var file in new[] { Path.Combine(WorkName, "pools.txt"), Path.Combine(WorkName, "config.json"), CorpusGenerator.ManifestName })
        {
            var path = Path.Combine(Directory, file);
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }

    public void Dispose() => Release(removeLockFile: false);

    private void Release(bool removeLockFile)
    {
        // The owner file goes first, while the lock is still held, so nobody reads a pid that no longer holds it.
        // The lock file itself stays: deleting it while another process waits to open it would let two runs lock
        // two different files of the same name.
        if (Shard is { } shard)
        {
            if (_shardLock is not null)
            {
                TryDelete(Path.Combine(WorkDirectory, ShardPart.FolderName, shard.Name + ".owner"));
                _shardLock.Dispose();
            }
        }
        else
        {
            TryDelete(Path.Combine(Directory, OwnerName));
        }
        if (removeLockFile)
        {
            TryDelete(Path.Combine(Directory, LockName));
        }
        _lock.Dispose();
    }

    private void Claim(SynthConfig config)
    {
        var markerPath = Path.Combine(Directory, MarkerName);
        var fingerprint = Fingerprint(config);
        if (File.Exists(markerPath))
        {
            var recorded = ReadMarker(markerPath);
            if (recorded is { Format: < MarkerFormat } old && JsonNode.DeepEquals(old.Config, Fingerprint(config, Format1Options)))
            {
                // The same settings in the old casing: the corpus is ours, its marker is brought up to date.
                WriteMarker(markerPath, fingerprint);
                recorded = (MarkerFormat, fingerprint);
            }
            if (recorded is { Format: MarkerFormat } current && JsonNode.DeepEquals(current.Config, fingerprint))
            {
                if (Shard is null)
                {
                    // Shards leave the sweep to the merge or an unsharded run: the temp files may be another shard's.
                    RemoveLeftovers();
                }
                return;
            }
            if (!config.Force)
            {
                var what = recorded switch
                {
                    null => $"its marker {markerPath} is unreadable",
                    { Format: MarkerFormat } r => $"settings changed: {Changes(r.Config, fingerprint)}",
                    { Format: var format, Config: var before } => $"settings changed (its marker {markerPath} is format {format}: {Changes(before, Fingerprint(config, Format1Options))})",
                };
                throw new SynthesisException($"{Directory} holds a corpus made by sal synth with other settings ({what}); " +
                    "choose another --out or pass --force to discard it and start over");
            }
            DiscardOutputs();
            RemoveLeftovers();
            WriteMarker(markerPath, fingerprint);
            return;
        }

        var legacy = Path.Combine(WorkDirectory, "config.json");
        if (File.Exists(legacy) && !config.Force)
        {
            // Made by sal synth before the marker existed, which kept its settings in .work/config.json; adopted when
            // they match (its sidecars carry no digests, so each clip is checked by being rendered again).
            var same = File.ReadAllText(legacy) == JsonSerializer.Serialize(config with { OutputDirectory = "", SourceCacheDirectory = "", Workers = 0 });
            if (!same)
            {
                throw new SynthesisException($"{Directory} holds a corpus made by an earlier sal synth with other settings (see {legacy}); " +
                    "choose another --out or pass --force to discard it and start over");
            }
            WriteMarker(markerPath, fingerprint);
            File.Delete(legacy);
            RemoveLeftovers();
            return;
        }

        var foreign = System.IO.Directory.EnumerateFileSystemEntries(Directory)
            .Select(Path.GetFileName)
            // A concurrent shard may be renaming its copy of the marker into place right now.
            .Where(n => n is not (LockName or OwnerName) && !(n!.StartsWith("." + MarkerName + ".", StringComparison.Ordinal) && n.EndsWith(".tmp", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (foreign.Count > 0 && Shard is not null && ReadMarkerIfAny(markerPath) is { } now && JsonNode.DeepEquals(now.Config, fingerprint))
        {
            // Another shard of the same corpus claimed the empty folder while we looked at it.
            return;
        }
        if (foreign.Count > 0 && !config.Force)
        {
            throw new SynthesisException(foreign.Contains(CorpusGenerator.ManifestName)
                ? $"{Directory} holds a {CorpusGenerator.ManifestName} that sal synth did not write; choose an empty folder or pass --force"
                : $"{Directory} is not empty ({foreign.Count} entries not written by sal synth, e.g. '{foreign[0]}'); choose an empty folder or pass --force");
        }
        if (foreign.Count > 0)
        {
            // Taking over: files we did not write stay, but work state we cannot vouch for is dropped, so no clip
            // is reused on the strength of a sidecar someone else left.
            foreach (var sub in new[] { "clips", "pools.txt", "config.json" })
            {
                var path = Path.Combine(WorkDirectory, sub);
                if (System.IO.Directory.Exists(path))
                {
                    System.IO.Directory.Delete(path, recursive: true);
                }
                else if (File.Exists(path))
                {
                    File.Delete(path);
                }
            }
        }
        WriteMarker(markerPath, fingerprint);
    }

    /// <summary>
    /// A killed run leaves its temp files (AtomicFile's ".NAME.PID.GUID.tmp") and TTS scratch folders; we hold the
    /// lock, so no writer owns them any more, and they would otherwise stay beside the corpus for good.
    /// </summary>
    private void RemoveLeftovers()
    {
        TryDeleteFolder(ScratchDirectory);
        var roots = new[] { "audio", "streams", WorkName }.Select(s => Path.Combine(Directory, s)).Where(System.IO.Directory.Exists);
        var temps = System.IO.Directory.EnumerateFiles(Directory, ".*.tmp")
            .Concat(roots.SelectMany(r => System.IO.Directory.EnumerateFiles(r, ".*.tmp", SearchOption.AllDirectories)));
        foreach (var temp in temps.ToList())
        {
            TryDelete(temp);
        }
    }

    /// <summary>The settings that decide the output; folders, workers and --force do not.</summary>
    internal static JsonObject Fingerprint(SynthConfig config) => Fingerprint(config, ProjectJson.Options);

    private static JsonObject Fingerprint(SynthConfig config, JsonSerializerOptions options)
    {
        // Through text, so numbers compare the way they read back from the marker.
        var node = JsonNode.Parse(JsonSerializer.Serialize(config, options))!.AsObject();
        foreach (var name in new[] { nameof(SynthConfig.OutputDirectory), nameof(SynthConfig.SourceCacheDirectory), nameof(SynthConfig.Workers) })
        {
            node.Remove(options.PropertyNamingPolicy?.ConvertName(name) ?? name);
        }
        return node;
    }

    /// <summary>The marker's format (1 when it has none) and recorded settings, or null when it is unreadable.</summary>
    private static (int Format, JsonNode? Config)? ReadMarker(string path)
    {
        try
        {
            var marker = JsonNode.Parse(File.ReadAllText(path));
            var format = marker?["format"] is JsonValue v && v.TryGetValue<int>(out var f) ? f : 1;
            return (format, marker?["config"]);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static (int Format, JsonNode? Config)? ReadMarkerIfAny(string path) => File.Exists(path) ? ReadMarker(path) : null;

    private static void WriteMarker(string path, JsonObject fingerprint)
    {
        var marker = new JsonObject
        {
            ["writer"] = "sal synth",
            ["format"] = MarkerFormat,
            ["config"] = fingerprint.DeepClone(),
        };
        AtomicFile.WriteAllText(path, marker.ToJsonString(ProjectJson.Options) + "\n");
    }

    private static string Changes(JsonNode? recorded, JsonObject now)
    {
        var before = recorded as JsonObject ?? [];
        var names = before.Select(kv => kv.Key).Union(now.Select(kv => kv.Key)).Order(StringComparer.Ordinal);
        var changes = names
            .Where(n => !JsonNode.DeepEquals(before[n], now[n]))
            .Select(n => $"{n} {Show(before[n])} -> {Show(now[n])}")
            .ToList();
        return changes.Count > 0 ? string.Join(", ", changes) : "none recognised";
    }

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "unset";

    private static string Holder(string dir)
    {
        var shards = Path.Combine(dir, WorkName, ShardPart.FolderName);
        if (!File.Exists(Path.Combine(dir, OwnerName)) && System.IO.Directory.Exists(shards))
        {
            // Shards hold the folder lock shared and record their pids beside their own locks.
            var owners = System.IO.Directory.EnumerateFiles(shards, "*.owner").Order(StringComparer.Ordinal)
                .Select(f => $"shard {Path.GetFileNameWithoutExtension(f)} {ShardHolder(shards, Path.GetFileNameWithoutExtension(f))}")
                .ToList();
            if (owners.Count > 0)
            {
                return string.Join(", ", owners);
            }
        }
        return PidIn(Path.Combine(dir, OwnerName));
    }

    private static string ShardHolder(string shards, string name) => PidIn(Path.Combine(shards, name + ".owner"));

    private static string PidIn(string ownerFile)
    {
        try
        {
            var text = File.ReadAllText(ownerFile).Trim();
            return int.TryParse(text, out var pid) ? $"pid {pid}" : "pid unknown";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The holder is between taking the lock and writing its pid, or just released both.
            return "pid unknown";
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Cleanup is best effort; a leftover owner or temp file is harmless once the lock is released.
        }
    }

    private static void TryDeleteFolder(string path)
    {
        try
        {
            if (System.IO.Directory.Exists(path))
            {
                System.IO.Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort, as above.
        }
    }
}
