using System.Security.Cryptography;
using System.Text;

namespace StreamingAnchor.Data.Importers;

/// <summary>
/// Deterministic dev/test assignment by a hash of a key (speaker or clip id), so re-importing gives the same split
/// and all clips of one speaker land together.
/// </summary>
public sealed record SplitAssigner(double DevFraction = 0, double TestFraction = 0, string DefaultSplit = "train")
{
    public string Assign(string key)
    {
        if (DevFraction <= 0 && TestFraction <= 0)
        {
            return DefaultSplit;
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var u = BitConverter.ToUInt32(hash, 0) / (double)uint.MaxValue;
        return u < TestFraction ? "test" : u < TestFraction + DevFraction ? "dev" : DefaultSplit;
    }
}
