using StreamingAnchor.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Training;

/// <summary>
/// An exponential moving average of a model's weights over optimiser steps (<see cref="TrainConfig.EmaDecay"/>): after
/// step n, a = d_n a + (1 - d_n) w with d_n = min(d, (1 + n) / (10 + n)), so the average follows the weights closely
/// while there are few steps to average and then spans about 1 / (1 - d) of them. It is what the dev split scores and
/// what a checkpoint ships: on a dev split of a few hours the single epoch's weights a dev pick lands on are one noisy
/// draw, the average a smoother one. d_n depends only on n, which the checkpoint records as the step, so a resume
/// replays the uninterrupted average exactly. Buffers are copied, not averaged (no family has batch statistics).
/// </summary>
public sealed class WeightAverage : IDisposable
{
    private readonly StreamingModel _source;
    private readonly Tensor[] _sourceParameters;
    private readonly Tensor[] _averageParameters;

    /// <summary>Starts the average at <paramref name="source"/>'s current weights.</summary>
    public WeightAverage(StreamingModel source, double decay)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!(decay is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "the weight-average decay must be in (0, 1)");
        }
        Decay = decay;
        _source = source;
        Model = ModelCopy.Of(source);
        _sourceParameters = source.parameters().ToArray();
        _averageParameters = Model.parameters().ToArray();
    }

    public double Decay { get; }

    /// <summary>The averaged weights, in a model of the source's architecture.</summary>
    public StreamingModel Model { get; }

    /// <summary>The decay applied after optimiser step <paramref name="step"/> (0-based): small at first, then <see cref="Decay"/>.</summary>
    public double DecayAt(long step) => Math.Min(Decay, (1.0 + step) / (10.0 + step));

    /// <summary>Folds the source's weights after optimiser step <paramref name="step"/> (0-based) into the average.</summary>
    public void Update(long step)
    {
        var d = DecayAt(step);
        using var noGrad = torch.no_grad();
        for (var i = 0; i < _sourceParameters.Length; i++)
        {
            _averageParameters[i].mul_(d).add_(_sourceParameters[i], alpha: 1 - d);
        }
        foreach (var (from, to) in _source.buffers().Zip(Model.buffers()))
        {
            to.copy_(from);
        }
    }

    public void Dispose() => Model.Dispose();
}
