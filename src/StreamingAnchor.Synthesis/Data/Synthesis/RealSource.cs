namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// A Debian package of real recordings. <see cref="Root"/> is the folder inside the package; <see cref="Exclude"/>
/// lists sub-folders to skip (silence prompts, singing). A whole package goes to one split (<see cref="Split"/>:
/// train, dev or test), never file by file: files of one package share speakers, composers, instruments and
/// recording chains, so a file split would let test measure the training material. <see cref="Language"/> is the
/// spoken language of a speech source (ISO 639 code; null for music and noise). <see cref="Archive"/> names a zip
/// inside the package (0 A.D. ships its data as one zip) whose members under <see cref="Root"/> are the recordings.
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
    string? Archive = null);
