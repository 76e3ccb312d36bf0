namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// A Debian package of real recordings. <see cref="Root"/> is the folder inside the package; <see cref="Exclude"/>
/// lists sub-folders to skip (silence prompts, singing). A whole package goes to one split (<see cref="Split"/>:
/// train, dev or test), never file by file: files of one package share speakers, composers, instruments and
/// recording chains, so a file split would let test measure the training material. <see cref="Language"/> is the
/// spoken language of a speech source (ISO 639 code; null for music and noise). <see cref="Archive"/> names a zip
/// inside the package (0 A.D. ships its data as one zip) whose members under <see cref="Root"/> are the recordings.
/// <see cref="Spoken"/> lists sub-folders of a music or noise source whose recordings include spoken lines (a game's
/// talking robots): such a file is a fair negative where a bed may hold speech (keyword and trigger corpora, which
/// already mix speech into backgrounds) but a mislabelled onset where a bed stands for "no speech", so onset corpora
/// skip it (<see cref="SpeechFree"/>).
/// </summary>
public sealed record RealSource(
    string Name,
    string Package,
    RealSourceKind Kind,
    string Root,
    IReadOnlyList<string> Extensions,
    IReadOnlyList<string> Exclude,
    string Licence,
    string Usage,
    string Split,
    string? Language = null,
    string? Archive = null,
    IReadOnlyList<string>? Spoken = null)
{
    /// <summary>Whether a recording (path relative to <see cref="Root"/>) lies in an <see cref="Exclude"/> folder.</summary>
    public bool Excluded(string relativePath) => InAny(relativePath, Exclude);

    /// <summary>Whether a recording (path relative to <see cref="Root"/>) lies outside every <see cref="Spoken"/> folder.</summary>
    public bool SpeechFree(string relativePath) => Spoken is null || !InAny(relativePath, Spoken);

    /// <summary>Whether a folder of the path (its file name aside) is one of <paramref name="folders"/>.</summary>
    private static bool InAny(string relativePath, IReadOnlyList<string> folders) =>
        relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).SkipLast(1)
            .Any(folder => folders.Contains(folder, StringComparer.Ordinal));
}
