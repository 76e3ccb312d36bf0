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

    public override int InputDim => width;

    public override int OutputDim => width;

    public override long MacsPerFrame => 0;

    public override int? PastContext => 0;

    public override IReadOnlyList<long[]> StateShapes(int batchSize) => [];

    public override Tensor forward(Tensor input) => training ? dropout.call(input) : input.alias();

    public override (Tensor Output, IReadOnlyList<Tensor> State) Step(Tensor chunk, IReadOnlyList<Tensor> state) =>
        (training ? dropout.call(chunk) : chunk.alias(), []);

    public override string Describe() => $"dropout {Probability:0.##}";
}
