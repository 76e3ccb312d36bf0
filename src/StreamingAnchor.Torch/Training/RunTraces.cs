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

    /// <summary>
    /// Several runs streamed over the same split as one detector that averages their posteriors frame by frame; its
    /// size and compute are the members' sums (a device runs every member). Members of other tasks, frame grids or
    /// streams are refused.
    /// </summary>
    public static RunTraces Ensemble(IReadOnlyList<RunTraces> members)
    {
        ArgumentOutOfRangeException.ThrowIfZero(members.Count);
        var first = members[0];
        foreach (var m in members)
        {
            if (m.Task != first.Task || m.Clock != first.Clock || m.Traces.Count != first.Traces.Count)
            {
                throw new ArgumentException(
                    $"ensemble members disagree: task {m.Task}, frame grid {m.Clock}, {m.Traces.Count} streams against task {first.Task}, {first.Clock}, {first.Traces.Count} streams");
            }
        }
        var traces = Enumerable.Range(0, first.Traces.Count).Select(i => PosteriorTrace.Mean(members.Select(m => m.Traces[i]).ToList())).ToList();
        return new RunTraces(first.Task, traces, members.Sum(m => m.Parameters), members.Sum(m => m.WeightBytes), first.AudioSeconds,
            members.Sum(m => m.StreamSeconds)) { Clock = first.Clock };
    }

    /// <summary>Compute time over audio time (at whatever thread count libtorch was set to).</summary>
    public double RealTimeFactor => AudioSeconds > 0 ? StreamSeconds / AudioSeconds : double.NaN;
}
