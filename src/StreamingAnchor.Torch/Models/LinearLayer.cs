using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamingAnchor.Models;

/// <summary>Per-frame affine map (the logit head), stateless.</summary>
public sealed class LinearLayer : StreamingLayer
{
    private readonly Linear linear;

    public LinearLayer(int inputDim, int outputDim) : base(nameof(LinearLayer))
    {
        linear = nn.Linear(inputDim, outputDim);
        RegisterComponents();
    }

    /// <summary>[out, in].</summary>
    public Tensor Weight => linear.weight!;

    public Tensor Bias => linear.bias!;

    public override int InputDim => (int)linear.in_features;

    public override int OutputDim => (int)linear.out_features;

    public override long MacsPerFrame => (long)InputDim * OutputDim;

    public override int? PastContext => 0;

    public override IReadOnlyList<long[]> StateShapes(int batchSize) => [];

    public override Tensor forward(Tensor input) => linear.call(input);

    public override (Tensor Output, IReadOnlyList<Tensor> State) Step(Tensor chunk, IReadOnlyList<Tensor> state) =>
        (linear.call(chunk), []);

    public override string Describe() => $"linear {InputDim}->{OutputDim}";
}
