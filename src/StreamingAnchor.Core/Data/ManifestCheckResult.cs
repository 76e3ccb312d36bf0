namespace StreamingAnchor.Data;

/// <summary>The outcome of checking a manifest: every problem found and a summary of the lines that passed.</summary>
public sealed record ManifestCheckResult(string Path, IReadOnlyList<ManifestProblem> Problems, ManifestSummary Summary)
{
    public bool Ok => Problems.Count == 0;

    /// <summary>Lines with at least one problem.</summary>
    public int BadLines => Problems.Select(p => p.Line).Distinct().Count();
}
