namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// The noise bed of a stream: a real file or a generated noise "file" (colour and index, so it can be split like a
/// real file), at an SNR against the speech; <see cref="Silent"/> leaves only the low noise floor.
/// </summary>
public sealed record NoisePlan(RealFile? Real, NoiseColor? Color, int GeneratedIndex, double SnrDb, bool Silent)
{
    public string Id => Silent ? "none" : Real?.Id ?? $"generated:{Color.ToString()!.ToLowerInvariant()}-{GeneratedIndex:D2}";
}
