using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Losses;

/// <summary>
/// A member of the loss family. Inputs: logits [B,T,C] (C = 1 sigmoid, C &gt;= 2 softmax), targets [B,T] int64,
/// valid lengths [B] int64 (frames at t &gt;= length are padding: zero loss, zero gradient) and per sequence its
/// anchors in fractional frames (possibly outside [0,T)).
/// </summary>
public interface IFrameLoss
{
    /// <summary>The options this loss was built from.</summary>
    LossConfig Config { get; }

    /// <summary>The reduced loss, a scalar tensor of the logits' dtype with a gradient path to the logits.</summary>
    Tensor Forward(Tensor logits, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors);

    /// <summary>
    /// The per-frame weights [B,T] (detached, the logits' dtype; 0 on padding) by which each frame's cross entropy
    /// enters the loss before the reduction's normaliser; for maxpool the weight of the frames that pay a term.
    /// </summary>
    Tensor FrameWeights(Tensor logits, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors);

    /// <summary>
    /// Z, the reduction's normaliser for this batch (valid frames, non-empty sequences or a sum of weights: a sum over
    /// sequences, so a batch's Z is the sum of its shards'), before the guard that turns a Z of 0 into 1. The loss of a
    /// batch is the sum of its shards' losses each weighted by Z_shard / Z, which is how data-parallel replicas combine.
    /// </summary>
    double Normaliser(Tensor logits, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors);
}
