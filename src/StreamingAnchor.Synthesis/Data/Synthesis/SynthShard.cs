using System.Globalization;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Part <see cref="Index"/> of <see cref="Count"/> of one corpus (1-based, as written on the command line: "2/4").
/// Clips are dealt round-robin by plan index, so every part gets a similar mix of splits and lengths, the parts are
/// disjoint, and their union is the whole plan whatever the count.
/// </summary>
public sealed record SynthShard(int Index, int Count)
{
    /// <summary>Parses "K/N" with 1 &lt;= K &lt;= N; anything else throws a one-line ArgumentException.</summary>
    public static SynthShard Parse(string text)
    {
        var parts = text.Split('/', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count >= 1 && index >= 1 && index <= count)
        {
            return new SynthShard(index, count);
        }
        throw new ArgumentException($"--shard must look like K/N with 1 <= K <= N (e.g. 1/4), got '{text}'");
    }

    /// <summary>Whether the clip with this plan index belongs to this part.</summary>
    public bool Owns(int planIndex) => planIndex % Count == Index - 1;

    /// <summary>File-name form, "2-of-4".</summary>
    public string Name => FormattableString.Invariant($"{Index}-of-{Count}");

    public override string ToString() => FormattableString.Invariant($"{Index}/{Count}");
}
