using System.Text;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Assigns speakers and noise files to train/dev/test, independent of the seed so every corpus tests the same unseen
/// voices and noises. Keys are ranked by a stable hash; the first 80 % go to train, the next 10 % to dev, the rest to
/// test (dev and test get at least one key each when there are three or more). Non-espeak speakers are too few for
/// hashing and are placed by hand: Kal, AWB, SLT train; RMS dev; KED test. SLT is the only female speaker among them,
/// so it trains: with SLT held out alone for test, the test split would measure transfer from male-only natural voices
/// to a female one rather than generalisation to an unseen speaker.
/// </summary>
public static class SplitAssigner
{
    public static readonly IReadOnlyList<string> Splits = ["train", "dev", "test"];

    private static readonly Dictionary<string, string> FixedSpeakers = new(StringComparer.Ordinal)
    {
        ["kal"] = "train", ["awb"] = "train", ["slt"] = "train", ["rms"] = "dev", ["ked"] = "test",
    };

    /// <summary>Split of every key.</summary>
    public static IReadOnlyDictionary<string, string> Assign(IEnumerable<string> keys)
    {
        var ranked = keys.Distinct(StringComparer.Ordinal).OrderBy(Fnv1a).ThenBy(k => k, StringComparer.Ordinal).ToList();
        var n = ranked.Count;
        var nDev = n >= 3 ? Math.Max(1, (int)Math.Round(n * 0.1)) : 0;
        var nTest = n >= 3 ? Math.Max(1, (int)Math.Round(n * 0.1)) : 0;
        var nTrain = n - nDev - nTest;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            result[ranked[i]] = i < nTrain ? "train" : i < nTrain + nDev ? "dev" : "test";
        }
        return result;
    }

    /// <summary>Split of every voice, made over speakers (espeak: its variant; others: the recorded speaker).</summary>
    public static IReadOnlyDictionary<string, string> AssignSpeakers(IEnumerable<Voice> voices)
    {
        var list = voices.ToList();
        var hashed = Assign(list.Select(v => v.Speaker).Where(s => !FixedSpeakers.ContainsKey(s)));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in list)
        {
            result[v.Speaker] = FixedSpeakers.TryGetValue(v.Speaker, out var fixedSplit) ? fixedSplit : hashed[v.Speaker];
        }
        if (Splits.All(result.ContainsValue))
        {
            return result;
        }
        // With only some engines (e.g. flite alone) the hand placement can leave a split empty: hash all speakers.
        return Assign(result.Keys);
    }

    /// <summary>32-bit FNV-1a of the UTF-8 bytes: stable across runs and platforms, unlike string.GetHashCode.</summary>
    public static uint Fnv1a(string s)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            hash = (hash ^ b) * 16777619u;
        }
        return hash;
    }

    /// <summary>A per-item seed from the run seed and an index, well mixed (SplitMix64 finaliser).</summary>
    public static int DeriveSeed(int seed, int index, int salt = 0)
    {
        var z = ((ulong)(uint)seed << 32) ^ (ulong)(uint)index ^ ((ulong)(uint)salt * 0x9E3779B97F4A7C15UL);
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
