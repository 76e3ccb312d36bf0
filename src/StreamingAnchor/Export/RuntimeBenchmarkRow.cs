namespace StreamingAnchor.Export;

/// <summary>Streaming cost of one model, frame by frame on one thread, in both runtimes.</summary>
public sealed record RuntimeBenchmarkRow(string Family, string Preset, long Parameters, long MacsPerFrame, double TorchMicroseconds, double OnnxMicroseconds)
{
    /// <summary>Frame hop the real-time factor is measured against (10 ms).</summary>
    public const double HopMicroseconds = 10_000;

    public double TorchRealTimeFactor => TorchMicroseconds / HopMicroseconds;

    public double OnnxRealTimeFactor => OnnxMicroseconds / HopMicroseconds;
}
