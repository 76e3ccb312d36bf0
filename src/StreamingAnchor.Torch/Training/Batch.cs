using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Training;

/// <summary>
/// A padded mini-batch: features [B,T,F] float32, frame targets [B,T] int64 (0 = background, 1..K = positive
/// classes), valid lengths [B] int64, and per sequence its anchor positions in frames of this batch's time axis
/// (fractional, and possibly outside [0,T) when the sequence is a window of a longer stream).
/// </summary>
public sealed class Batch : IDisposable
{
    public Batch(Tensor features, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors, IReadOnlyList<string> ids)
    {
        if (features.dim() != 3)
        {
            throw new ArgumentException($"features must be [B,T,F], got [{string.Join(",", features.shape)}]");
        }
        Features = features;
        Targets = targets;
        Lengths = lengths;
        Anchors = anchors;
        Ids = ids;
    }

    public Tensor Features { get; }
    public Tensor Targets { get; }
    public Tensor Lengths { get; }
    public IReadOnlyList<double[]> Anchors { get; }

    /// <summary>Per sequence, where its marked near misses end (frames of this batch's axis; empty arrays when none).</summary>
    public IReadOnlyList<double[]> NearMissAnchors { get; init; } = [];

    /// <summary>
    /// The anchors the loss's significance is computed from: <see cref="Anchors"/>, and with <paramref name="withNearMisses"/>
    /// also each sequence's <see cref="NearMissAnchors"/> (their frames keep their negative targets; only their weight rises).
    /// </summary>
    public IReadOnlyList<double[]> LossAnchors(bool withNearMisses) =>
        !withNearMisses || NearMissAnchors.Count == 0
            ? Anchors
            : Anchors.Select((a, i) => NearMissAnchors[i].Length == 0 ? a : [.. a, .. NearMissAnchors[i]]).ToArray();
    public IReadOnlyList<string> Ids { get; }

    public int Size => (int)Features.shape[0];
    public int MaxFrames => (int)Features.shape[1];

    /// <summary>[B,T] bool mask, true on real frames and false on padding (caller disposes).</summary>
    public Tensor Mask()
    {
        using var steps = arange(MaxFrames, dtype: ScalarType.Int64, device: Lengths.device).unsqueeze(0);
        using var lengths = Lengths.unsqueeze(1);
        return steps.lt(lengths);
    }

    /// <summary>Number of valid (unpadded) frames in the batch.</summary>
    public long ValidFrames => Lengths.sum().item<long>();

    public void Dispose()
    {
        Features.Dispose();
        Targets.Dispose();
        Lengths.Dispose();
    }
}
