using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamingAnchor.Data;
using StreamingAnchor.Models;

namespace StreamingAnchor.Training;

/// <summary>
/// What a run was started on (fingerprint.json in the run folder): a hash of the resolved train config without the
/// runtime-only thread count, the manifest file's SHA-256, and the count, total size and a hash of the sizes of the
/// audio files it lists. A resume or a second `--out` into the folder compares against it, so a checkpoint is never
/// silently continued on other data or settings. Sizes rather than audio hashes: cheap on a large corpus, and a
/// re-rendered or truncated file almost always changes size. <see cref="Inputs"/> holds the SHA-256 of what the config
/// names beside the manifest (the weights and normaliser of `--init-from` and every `--teacher`, the `--hard-negatives`
/// manifest): the config records only their paths, and a teacher retrained in place under a resumed student would
/// otherwise go unnoticed.
/// </summary>
public sealed record RunFingerprint(string Config, string Manifest, int AudioFiles, long AudioBytes, string Audio,
    IReadOnlyDictionary<string, string>? Inputs = null)
{
    public const string FileName = "fingerprint.json";

    public static RunFingerprint Of(TrainConfig config, Manifest manifest)
    {
        var audio = new StringBuilder();
        long bytes = 0;
        foreach (var entry in manifest.Entries)
        {
            var file = new FileInfo(manifest.Resolve(entry.Audio));
            var size = file.Exists ? file.Length : -1;
            bytes += Math.Max(0, size);
            audio.Append(entry.Audio).Append('\t').Append(size.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return new RunFingerprint(
            Hash(Encoding.UTF8.GetBytes(ConfigJson(config))),
            Hash(File.ReadAllBytes(manifest.Path)),
            manifest.Entries.Count,
            bytes,
            Hash(Encoding.UTF8.GetBytes(audio.ToString())),
            InputsOf(config));
    }

    /// <summary>
    /// "role path" -> SHA-256 (or "absent") of every file the config names beside the manifest; null when it names none,
    /// so runs without such inputs keep the fingerprint they had before inputs were recorded.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? InputsOf(TrainConfig config)
    {
        var files = new List<(string Role, string Path)>();
        if (config.InitFrom is { } init)
        {
            files.Add(("--init-from", System.IO.Path.Combine(init, RunDirectory.WeightsFile)));
            files.Add(("--init-from", System.IO.Path.Combine(init, RunDirectory.NormalizerFile)));
        }
        foreach (var teacher in config.Teachers ?? [])
        {
            files.Add(("--teacher", System.IO.Path.Combine(teacher, RunDirectory.WeightsFile)));
            files.Add(("--teacher", System.IO.Path.Combine(teacher, RunDirectory.NormalizerFile)));
        }
        if (config.HardNegatives is { } mined)
        {
            files.Add(("--hard-negatives", mined));
        }
        if (files.Count == 0)
        {
            return null;
        }
        var inputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (role, path) in files)
        {
            inputs[$"{role} {path}"] = File.Exists(path) ? Hash(File.ReadAllBytes(path)) : "absent";
        }
        return inputs;
    }

    /// <summary>
    /// The config as fingerprinted: threads are a property of the machine, not of the run; one replica is the plain
    /// loop, written as no replicas so runs from before the option keep their fingerprint.
    /// </summary>
    public static string ConfigJson(TrainConfig config) =>
        JsonSerializer.Serialize(config with { Threads = 0, Device = "cpu", Replicas = config.ResolvedReplicas == 1 ? null : config.Replicas }, ProjectJson.Options);

    public void Save(string runDirectory) => AtomicFile.WriteAllText(Path.Combine(runDirectory, FileName), JsonSerializer.Serialize(this, ProjectJson.Options));

    /// <summary>The recorded fingerprint, or null for a folder without one (new, or written before fingerprints).</summary>
    public static RunFingerprint? Load(string runDirectory)
    {
        var path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return StrictJson.Deserialize<RunFingerprint>(File.ReadAllText(path), ProjectJson.Strict, path, "run fingerprint");
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }
    }

    /// <summary>
    /// What differs between this (recorded) fingerprint and <paramref name="now"/>, one phrase each; the config
    /// phrase names the changed settings when both configs are known.
    /// </summary>
    public IReadOnlyList<string> Changes(RunFingerprint now, TrainConfig? recordedConfig, TrainConfig nowConfig)
    {
        var changes = new List<string>();
        if (Config != now.Config)
        {
            // With the recorded config at hand the settings decide, not the hash: a train.json written before one
            // casing ("windowMode": "Random", "sa\u002Bfl") hashes differently but holds the same run.
            var fields = recordedConfig is null ? null : ConfigChanges(recordedConfig, nowConfig);
            if (fields is null || fields.Count > 0)
            {
                changes.Add(fields is null ? "config changed" : $"config changed ({string.Join(", ", fields)})");
            }
        }
        if (Manifest != now.Manifest)
        {
            changes.Add($"manifest changed (sha256 {Manifest[..12]}.. -> {now.Manifest[..12]}..)");
        }
        if (Audio != now.Audio)
        {
            changes.Add(string.Create(CultureInfo.InvariantCulture,
                $"audio files changed ({AudioFiles} files, {AudioBytes} bytes -> {now.AudioFiles} files, {now.AudioBytes} bytes)"));
        }
        if (Inputs is { } before)
        {
            // Only when recorded: a fingerprint written before inputs were recorded holds none, and is not a change.
            var after = now.Inputs ?? new Dictionary<string, string>();
            var changed = before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
                .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k)).ToList();
            if (changed.Count > 0)
            {
                changes.Add($"inputs changed ({string.Join(", ", changed.Select(k => $"{k}: {Short(before.GetValueOrDefault(k))} -> {Short(after.GetValueOrDefault(k))}"))})");
            }
        }
        return changes;
    }

    private static string Short(string? hash) => hash is null ? "unset" : hash.Length > 12 ? $"sha256 {hash[..12]}.." : hash;

    /// <summary>"epochs 3 -> 5"-style phrases for every setting that differs (threads excluded).</summary>
    public static IReadOnlyList<string> ConfigChanges(TrainConfig before, TrainConfig after)
    {
        var a = Flatten(JsonNode.Parse(ConfigJson(before)), "");
        var b = Flatten(JsonNode.Parse(ConfigJson(after)), "");
        return a.Keys.Union(b.Keys).Order(StringComparer.Ordinal)
            .Where(k => a.GetValueOrDefault(k) != b.GetValueOrDefault(k))
            .Select(k => $"{k} {a.GetValueOrDefault(k) ?? "unset"} -> {b.GetValueOrDefault(k) ?? "unset"}")
            .ToList();
    }

    private static Dictionary<string, string> Flatten(JsonNode? node, string prefix)
    {
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject o)
        {
            foreach (var (key, value) in o)
            {
                foreach (var kv in Flatten(value, prefix.Length == 0 ? key : $"{prefix}.{key}"))
                {
                    flat[kv.Key] = kv.Value;
                }
            }
        }
        else if (node is not null)
        {
            flat[prefix] = node.ToJsonString();
        }
        return flat;
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
