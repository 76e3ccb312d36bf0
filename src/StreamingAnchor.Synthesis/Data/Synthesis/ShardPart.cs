using System.Text.Json;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// What a finished shard of a corpus rendered: its place among the parts, the size of the whole plan, and the clips it
/// owns as (plan index, id). Written atomically to .work/shards/K-of-N.json after the last of its clips, so its
/// presence means the shard finished; <see cref="CorpusMerger"/> still checks each clip against its sidecar digests.
/// </summary>
public sealed record ShardPart(int Shard, int Count, int Plans, IReadOnlyList<ShardClip> Clips)
{
    public const string FolderName = "shards";

    public static string PathOf(string workDirectory, SynthShard shard) => Path.Combine(workDirectory, FolderName, shard.Name + ".json");

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, ProjectJson.Line) + "\n");
    }

    public static ShardPart Load(string path)
    {
        var text = File.ReadAllText(path);
        try
        {
            var part = JsonSerializer.Deserialize<ShardPart>(text, ProjectJson.Line);
            if (part is null || part.Count < 1 || part.Shard < 1 || part.Shard > part.Count || part.Plans < 0 || part.Clips is null)
            {
                throw new InvalidDataException($"{path}: not a shard record of sal synth; rerun that shard");
            }
            return part;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{StrictJson.Describe(ex, text, typeof(ShardPart), ProjectJson.Line, path, "shard record")}; rerun that shard", ex);
        }
    }
}
