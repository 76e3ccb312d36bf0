namespace StreamingAnchor.Training;

/// <summary>
/// One family in `sal bench dev`: CPU seconds to score the same audio as `sal eval` streams it (100 ms chunks through
/// the device loop, fbank included) and as the dev metric scores it (offline fbank once, then the offline forward with
/// the look-ahead delay), and the largest posterior difference between the two.
/// </summary>
public sealed record DevScoringBenchmarkRow(
    string Family,
    int LookAhead,
    long Parameters,
    double AudioSeconds,
    double StreamedCpuSeconds,
    double FbankCpuSeconds,
    double ForwardCpuSeconds,
    double MaxAbsDifference)
{
    /// <summary>How many times faster one dev epoch scores than streaming (features are cached once per run).</summary>
    public double Speedup => StreamedCpuSeconds / ForwardCpuSeconds;
}
