namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// A Debian package of real recordings. <see cref="Root"/> is the folder inside the package; <see cref="Exclude"/>
/// lists sub-folders to skip (silence prompts, singing). Speech sources are one speaker set each, so a whole source
/// goes to one split (<see cref="Split"/>); noise sources are split by file.
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
    string? Split = null);
