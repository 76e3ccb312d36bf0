using System.Text.Json;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// What a rendered clip left in <c>.work/clips/ID.json</c>, written last (atomically) once its files are on disk: its
/// manifest line, verbatim, and the digest of every file it wrote. A rerun reuses the clip only if all still match.
/// </summary>
public sealed record ClipSidecar(string Entry, IReadOnlyList<ClipFileDigest> Files)
{
    public string Format() => JsonSerializer.Serialize(this, ProjectJson.Line);

    /// <summary>Reads a sidecar; a damaged one (or one from before digests were recorded) is an error naming the file.</summary>
    public static ClipSidecar Read(string path)
    {
        ClipSidecar? sidecar;
        try
        {
            sidecar = JsonSerializer.Deserialize<ClipSidecar>(File.ReadAllText(path), ProjectJson.Line);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a clip sidecar ({ex.Message})", ex);
        }
        if (sidecar is null || string.IsNullOrEmpty(sidecar.Entry) || sidecar.Files is null || sidecar.Files.Count == 0)
        {
            throw new InvalidDataException($"{path}: not a clip sidecar (expected an entry and the digests of its files)");
        }
        return sidecar;
    }

    /// <summary>
    /// Why the clip recorded at <paramref name="path"/> cannot be reused as it stands in <paramref name="root"/>
    /// (unreadable sidecar, a file missing, resized or changed), or null when every file matches.
    /// </summary>
    public static string? Problem(string path, string root)
    {
        ClipSidecar sidecar;
        try
        {
            sidecar = Read(path);
        }
        catch (InvalidDataException ex)
        {
            return ex.Message;
        }
        foreach (var file in sidecar.Files)
        {
            if (file.Mismatch(root) is { } why)
            {
                return why;
            }
        }
        return null;
    }
}
