using StreamingAnchor.Data;

namespace StreamingAnchor.Evaluation;

/// <summary>
/// A model's class posteriors over one stream (row-major [Frames, Classes], background excluded) with the stream's
/// ground truth. <paramref name="FrameTargets"/> (0 background, 1..K) is optional and only feeds frame metrics.
/// </summary>
public sealed record PosteriorTrace(
    string Id,
    float[] Posteriors,
    int Classes,
    double DurationSeconds,
    IReadOnlyList<EvalEvent> Events,
    int[]? FrameTargets = null)
{
    /// <summary>Where the stream speaks near misses of the keyword (see <see cref="NearMissSpan"/>); empty when unknown.</summary>
    public IReadOnlyList<NearMissSpan> NearMisses { get; init; } = [];

    /// <summary>The conditions the stream was made under (<see cref="StreamConditions"/>); empty when unknown.</summary>
    public IReadOnlyDictionary<string, string> Conditions { get; init; } = new Dictionary<string, string>();

    public int Frames => Posteriors.Length / Classes;

    /// <summary>
    /// An ensemble's trace: the members' posteriors averaged frame by frame (the members are several models streamed
    /// over the same stream, on the same frame grid); the ground truth, near misses and conditions are the first
    /// member's. Members that disagree on the stream, the classes or the frame count are refused.
    /// </summary>
    public static PosteriorTrace Mean(IReadOnlyList<PosteriorTrace> members)
    {
        ArgumentOutOfRangeException.ThrowIfZero(members.Count);
        var first = members[0];
        var sum = new double[first.Posteriors.Length];
        foreach (var m in members)
        {
            if (m.Id != first.Id || m.Classes != first.Classes || m.Posteriors.Length != first.Posteriors.Length)
            {
                throw new ArgumentException(
                    $"ensemble members disagree: stream '{m.Id}' with {m.Classes} classes and {m.Frames} frames against '{first.Id}' with {first.Classes} and {first.Frames}");
            }
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += m.Posteriors[i];
            }
        }
        var mean = new float[sum.Length];
        for (var i = 0; i < mean.Length; i++)
        {
            mean[i] = (float)(sum[i] / members.Count);
        }
        return first with { Posteriors = mean };
    }

    public void Validate()
    {
        if (Classes < 1 || Posteriors.Length % Classes != 0)
        {
            throw new ArgumentException($"{Id}: posterior trace of length {Posteriors.Length} does not hold {Classes} classes per frame");
        }
        if (!(DurationSeconds > 0) || !double.IsFinite(DurationSeconds))
        {
            throw new ArgumentException($"{Id}: duration must be positive, got {DurationSeconds}");
        }
        if (FrameTargets is { } targets && targets.Length != Frames)
        {
            throw new ArgumentException($"{Id}: {targets.Length} frame targets for {Frames} frames");
        }
        foreach (var e in Events)
        {
            if (e.Label < 1 || e.Label > Classes)
            {
                throw new ArgumentException($"{Id}: event label {e.Label} outside 1..{Classes}");
            }
            if (!double.IsFinite(e.Anchor))
            {
                throw new ArgumentException($"{Id}: event anchor is not finite");
            }
        }
    }
}
