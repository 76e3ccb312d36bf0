using System.Security.Cryptography;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Size and SHA-256 of one file a clip wrote (its WAV, its accelerometer stream), path relative to the corpus folder,
/// recorded in the clip's sidecar so a rerun reuses only files that are still exactly what was written.
/// </summary>
public sealed record ClipFileDigest(string Path, long Size, string Sha256)
{
    /// <summary>Digest of the file as it is on disk now (read back after writing, so it records what landed).</summary>
    public static ClipFileDigest Of(string root, string relativePath)
    {
        var full = System.IO.Path.Combine(root, relativePath);
        using var stream = File.OpenRead(full);
        var hash = SHA256.HashData(stream);
        return new ClipFileDigest(relativePath, stream.Length, Convert.ToHexStringLower(hash));
    }

    /// <summary>Why the file under <paramref name="root"/> no longer matches this digest, or null when it does.</summary>
    public string? Mismatch(string root)
    {
        var full = System.IO.Path.Combine(root, Path);
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            return $"{full} is missing";
        }
        if (info.Length != Size)
        {
            return $"{full} holds {info.Length} bytes, expected {Size}";
        }
        var now = Of(root, Path);
        return now.Sha256 == Sha256 ? null : $"{full} has SHA-256 {now.Sha256[..12]}…, expected {Sha256[..12]}…";
    }
}
