using StreamingAnchor.Anchors;

namespace StreamingAnchor.Evaluation.Peers;

/// <summary>
/// A peer's scores over one clip. <see cref="Times"/>[i] is the end, in seconds from the clip start, of the
/// audio score i depends on (the same stamp our frames carry: when a device could first act on it).
/// </summary>
public sealed record PeerTrace(double[] Times, float[] Scores)
{
    /// <summary>Samples the trace at the frame stamps of <paramref name="grid"/> (<see cref="PeerScorer.Grid"/>: our
    /// default front end's), holding the latest score available by then (a causal sample-and-hold; frames before the
    /// first score get 0).</summary>
    public float[] OnFrames(int frameCount, FrameClock grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var result = new float[Math.Max(frameCount, 0)];
        var j = -1;
        for (var t = 0; t < result.Length; t++)
        {
            var stamp = grid.FrameEndTime(t);
            // A tiny tolerance keeps a score stamped exactly at a frame's end from slipping to the next frame.
            while (j + 1 < Times.Length && Times[j + 1] <= stamp + 1e-9)
            {
                j++;
            }
            result[t] = j >= 0 ? Scores[j] : 0f;
        }
        return result;
    }
}
