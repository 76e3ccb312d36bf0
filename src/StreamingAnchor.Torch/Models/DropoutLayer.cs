using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamingAnchor.Models;

/// <summary>Dropout while training; the identity in eval mode, which is the only mode streaming and export use.</summary>
public sealed class DropoutLayer : StreamingLayer
{
    private readonly Dropout dropout;
    private readonly int width;

    public DropoutLayer(int width, double probability) : base(nameof(DropoutLayer))
    {
        this.width = width;
        Probability = probability;
        dropout = nn.Dropout(probability);
        RegisterComponents();
    }

    public double Probability { get; }

    /// <summary>
    /// When set, training masks are drawn from this generator instead of libtorch's process-wide one, so a model run
    /// on its own OS thread (a data-parallel replica) draws the same masks whatever the other threads do. Null (the
    /// default) keeps libtorch's own dropout on the global generator.
    /// </summary>
    public Generator? Generator { get; set; }

    public override int InputDim => width;

    public override int OutputDim => width;

    public override long MacsPerFrame => 0;

    public override int? PastContext => 0;

    public override IReadOnlyList<long[]> StateShapes(int batchSize) => [];

    public override Tensor forward(Tensor input) => training ? Drop(input) : input.alias();

    public override (Tensor Output, IReadOnlyList<Tensor> State) Step(Tensor chunk, IReadOnlyList<Tensor> state) =>
        (training ? Drop(chunk) : chunk.alias(), []);

    /// <summary>Inverted dropout: keep each element with probability 1 - p and scale the kept ones by 1 / (1 - p).</summary>
    private Tensor Drop(Tensor input)
    {
        if (Generator is null)
        {
            return dropout.call(input);
        }
        using var mask = torch.empty_like(input).bernoulli_(1 - Probability, Generator);
        return input.mul(mask).div_(1 - Probability);
    }

    public override string Describe() => $"dropout {Probability:0.##}";
}
