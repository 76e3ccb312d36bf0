using StreamingAnchor.Anchors;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Training;

/// <summary>
/// A trained run streamed over a test split: its task, one posterior trace per stream, its parameter count and
/// weights-file bytes, and the audio streamed with the CPU time the front end and model took over it (calling thread).
/// </summary>
public sealed record RunTraces(
    TaskKind Task,
    IReadOnlyList<PosteriorTrace> Traces,
    long Parameters,
    long WeightBytes,
    double AudioSeconds,
    double StreamSeconds)
{
    /// <summary>The run's frame grid (its frontend.json): detections on these traces are stamped on it.</summary>
    public required FrameClock Clock { get; init; }

    /// <summary>Compute time over audio time (at whatever thread count libtorch was set to).</summary>
    public double RealTimeFactor => AudioSeconds > 0 ? StreamSeconds / AudioSeconds : double.NaN;
}
