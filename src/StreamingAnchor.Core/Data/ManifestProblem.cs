namespace StreamingAnchor.Data;

/// <summary>One problem found by <see cref="ManifestChecker"/>: the manifest line (1-based), the clip id if known, and what is wrong.</summary>
public sealed record ManifestProblem(int Line, string? Id, string Message)
{
    public override string ToString() => Id is null ? $"line {Line}: {Message}" : $"line {Line} ({Id}): {Message}";
}
