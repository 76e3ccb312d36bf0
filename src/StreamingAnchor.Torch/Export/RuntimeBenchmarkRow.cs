namespace StreamingAnchor.Export;

/// <summary>One features graph of a model: nodes as exported and as ONNX Runtime runs them after its fusions, CPU µs per frame (one frame per call).</summary>
public sealed record OnnxGraphCost(int Nodes, int OptimizedNodes, double CpuMicroseconds, double WallMicroseconds)
{
    public double Gflops(long macsPerFrame) => 2.0 * macsPerFrame / CpuMicroseconds / 1000;
}

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
    double RawBatchedCpuMicroseconds,
    OnnxGraphCost SingleFrame,
    OnnxGraphCost MultiFrame,
    OnnxGraphCost SingleFrameCarried)
{
    /// <summary>Achieved GFLOP/s of the exported (single-frame) graph: 2 FLOP per MAC of the model over the CPU time per frame.</summary>
    public double OnnxGflops => 2.0 * MacsPerFrame / OnnxCpuMicroseconds / 1000;

    /// <summary>Audio to posteriors with the features graph: the C# front end (fbank + CMVN) plus the ONNX step.</summary>
    public double FeaturesPathCpuMicroseconds => FrontEndCpuMicroseconds + OnnxCpuMicroseconds;

    /// <summary>Frame hop the real-time factor is measured against (10 ms).</summary>
    public const double HopMicroseconds = 10_000;

    public double TorchRealTimeFactor => TorchCpuMicroseconds / HopMicroseconds;

    public double OnnxRealTimeFactor => OnnxCpuMicroseconds / HopMicroseconds;
}
