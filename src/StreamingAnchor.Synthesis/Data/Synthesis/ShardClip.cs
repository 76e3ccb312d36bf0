namespace StreamingAnchor.Data.Synthesis;

/// <summary>One clip of a shard: its index in the whole corpus plan (the manifest order) and its id.</summary>
public sealed record ShardClip(int Index, string Id);
