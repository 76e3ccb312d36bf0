using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Models;

/// <summary>
/// One causal building block of a streaming model, on the frame-major layout [B,T,channels]. The offline forward
/// and the streaming step compute the same function; only the step carries its memory explicitly.
/// </summary>
public abstract class StreamingLayer : nn.Module<Tensor, Tensor>
{
    // Before any layer computes: oneDNN's conv and LSTM are wrong on some CPUs (see TorchRuntime.OneDnnDisabled).
    static StreamingLayer() => TorchRuntime.EnsureConfigured();

    protected StreamingLayer(string name) : base(name)
    {
    }

    public abstract int InputDim { get; }

    public abstract int OutputDim { get; }

    /// <summary>Shapes of this layer's state tensors for a batch, in the order Step takes and returns them.</summary>
    public abstract IReadOnlyList<long[]> StateShapes(int batchSize);

    /// <summary>Consumes a chunk [B,n,in] and its state; returns [B,n,out] and the new state (new tensors).</summary>
    public abstract (Tensor Output, IReadOnlyList<Tensor> State) Step(Tensor chunk, IReadOnlyList<Tensor> state);

    /// <summary>Multiply-accumulates of the weights per frame (element-wise work is not counted).</summary>
    public abstract long MacsPerFrame { get; }

    /// <summary>Past frames this layer looks at beyond the current one; null when unbounded (recurrent, or a running mean).</summary>
    public abstract int? PastContext { get; }

    /// <summary>Short human description, e.g. "conv k3 d2 32->32 relu".</summary>
    public abstract string Describe();
}
