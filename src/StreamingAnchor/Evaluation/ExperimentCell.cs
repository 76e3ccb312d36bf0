using System.Globalization;

namespace StreamingAnchor.Evaluation;

/// <summary>One trained and evaluated combination of the grid, and what its evaluation measured.</summary>
public sealed record ExperimentCell(
    string Model,
    string Loss,
    string? Parameter,
    double? Value,
    int Seed,
    double Frr,
    double MedianLatency,
    double P90Latency,
    double FrameAccuracy,
    double Eer)
{
    /// <summary>Folder name of the cell's run: model-loss[-param value]-s seed.</summary>
    public static string FolderName(string model, string loss, string? parameter, double? value, int seed) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{model}-{loss.Replace('+', 'p')}{(parameter is null ? "" : $"-{parameter}{value:0.###}")}-s{seed}");
}
