namespace StreamingAnchor.Mining;

/// <summary>One negative recording of the mining pool: its id (unique in the pool) and audio file.</summary>
public sealed record MiningClip(string Id, string AudioPath);
