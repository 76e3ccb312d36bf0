using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Models;

/// <summary>
/// The complete memory of a stream between two steps, as plain tensors (ring buffers of the causal convolutions,
/// hidden states of the recurrent layers) in the order the model and its ONNX export agree on. The owner disposes it.
/// </summary>
public sealed record StreamState(IReadOnlyList<Tensor> Tensors) : IDisposable
{
    /// <summary>Total number of floats held across all state tensors.</summary>
    public long Elements => Tensors.Sum(t => t.numel());

    /// <summary>An independent copy, e.g. to branch a stream.</summary>
    public StreamState Copy() => new(Tensors.Select(t => t.detach().clone()).ToArray());

    public void Dispose()
    {
        foreach (var t in Tensors)
        {
            t.Dispose();
        }
    }
}
