namespace StreamingAnchor.Evaluation;

/// <summary>Which false alarms set a budget's threshold: every one, or only those away from marked near misses.</summary>
public enum FalseAlarmScope
{
    All,
    Elsewhere,
}

/// <summary>
/// Each later result's FRR against the first's at each budget, in points with the paired interval over the keyword
/// voices (<see cref="OperatingPoint.DifferenceByVoice"/>): the cells `sal eval --compare` and `sal peers` print, so
/// that the two tables pair runs by one rule.
/// </summary>
public static class PairedDifferences
{
    /// <summary>The text of a cell that has no paired difference (a missing budget, or streams without keyword voices).</summary>
    public const string None = "-";

    /// <summary>
    /// One row per result of <paramref name="others"/>, one cell per budget (<see cref="FrrDifference.ToPoints"/> or
    /// <see cref="None"/>); null when no cell has a difference, so callers print no table.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>>? Against(EvaluationResult first, IEnumerable<EvaluationResult> others,
        IReadOnlyList<double> budgets, FalseAlarmScope scope)
    {
        var rows = others.Select(other => (IReadOnlyList<string>)budgets.Select(budget =>
            first.PointAt(budget, scope) is { } mine && other.PointAt(budget, scope) is { } theirs
            && mine.DifferenceByVoice(theirs) is { } difference ? difference.ToPoints() : None).ToList()).ToList();
        return rows.Any(cells => cells.Any(c => c != None)) ? rows : null;
    }
}
