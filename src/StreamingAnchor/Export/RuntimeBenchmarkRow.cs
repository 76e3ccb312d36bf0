namespace StreamingAnchor.Export;

/// <summary>
/// Streaming cost of one model, frame by frame on one thread, in both runtimes and as a raw-audio graph (one 160-sample call per frame): CPU time of the running thread per
/// frame (the work) and wall time per frame (which also counts waiting for a core on a busy machine).
/// </summary>
public sealed record RuntimeBenchmarkRow(
    string Family,
    string Preset,
    long Parameters,
    long MacsPerFrame,
    double TorchCpuMicroseconds,
    double OnnxCpuMicroseconds,
    double TorchWallMicroseconds,
    double OnnxWallMicroseconds,
    double FrontEndCpuMicroseconds,
    double RawCpuMicroseconds,
    double RawWallMicroseconds,
    double RawBatchedCpuMicroseconds)
{
    /// <summary>Audio to posteriors with the features graph: the C# front end (fbank + CMVN) plus the ONNX step.</summary>
    public double FeaturesPathCpuMicroseconds => FrontEndCpuMicroseconds + OnnxCpuMicroseconds;

    /// <summary>Frame hop the real-time factor is measured against (10 ms).</summary>
    public const double HopMicroseconds = 10_000;

    public double TorchRealTimeFactor => TorchCpuMicroseconds / HopMicroseconds;

    public double OnnxRealTimeFactor => OnnxCpuMicroseconds / HopMicroseconds;
}
