using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamingAnchor.Data;

namespace StreamingAnchor.Training;

/// <summary>
/// What a run was started on (fingerprint.json in the run folder): a hash of the resolved train config without the
/// runtime-only thread count, the manifest file's SHA-256, and the count, total size and a hash of the sizes of the
/// audio files it lists. A resume or a second `--out` into the folder compares against it, so a checkpoint is never
/// silently continued on other data or settings. Sizes rather than audio hashes: cheap on a large corpus, and a
/// re-rendered or truncated file almost always changes size.
/// </summary>
public sealed record RunFingerprint(string Config, string Manifest, int AudioFiles, long AudioBytes, string Audio)
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
            Hash(Encoding.UTF8.GetBytes(audio.ToString())));
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
        return changes;
    }

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
