using StreamingAnchor.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Training;

/// <summary>Second models of a trained model's architecture: the data-parallel replicas and the weight average.</summary>
public static class ModelCopy
{
    /// <summary>
    /// A fresh model of <paramref name="source"/>'s architecture on its device, holding <paramref name="source"/>'s
    /// weights and buffers. Its tensors live as long as the copy, not as long as a dispose scope the caller is in.
    /// </summary>
    public static StreamingModel Of(StreamingModel source)
    {
        ArgumentNullException.ThrowIfNull(source);
        // The copy's random initialisation is overwritten, so it must not move the global generator the caller seeded.
        using var state = torch.get_rng_state();
        var copy = ModelFactory.Create(source.Config, source.InputDim, source.NumClasses);
        torch.set_rng_state(state);
        var want = source.parameters().Select(p => string.Join(",", p.shape)).ToArray();
        var got = copy.parameters().Select(p => string.Join(",", p.shape)).ToArray();
        if (!want.SequenceEqual(got))
        {
            copy.Dispose();
            throw new InvalidOperationException(
                $"the {source.Config.Family.Name()} model is not the one its config builds (parameter shapes differ), so it cannot be copied");
        }
        copy.to(source.parameters().First().device);
        foreach (var tensor in copy.parameters().Concat(copy.buffers()))
        {
            tensor.DetachFromDisposeScope();
        }
        Weights(source, copy);
        return copy;
    }

    /// <summary>Copies every parameter and buffer of <paramref name="from"/> into <paramref name="to"/> (same architecture).</summary>
    public static void Weights(nn.Module from, nn.Module to)
    {
        using var noGrad = torch.no_grad();
        foreach (var (a, b) in from.parameters().Zip(to.parameters()))
        {
            b.copy_(a);
        }
        foreach (var (a, b) in from.buffers().Zip(to.buffers()))
        {
            b.copy_(a);
        }
    }
}
