namespace StreamingAnchor.Data;

/// <summary>Stable seeds derived from (seed, epoch, index) with SplitMix64, so parallel work stays deterministic.</summary>
internal static class SeedMix
{
    public static int Derive(long seed, long a, long b = 0)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL) ^ unchecked((ulong)a * 0xBF58476D1CE4E5B9UL) ^ unchecked((ulong)b * 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
