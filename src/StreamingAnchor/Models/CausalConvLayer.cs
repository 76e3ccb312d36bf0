using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamingAnchor.Models;

/// <summary>
/// Causal dilated 1-D convolution (optionally grouped, e.g. depthwise) with an optional ReLU. Offline it pads
/// (kernel-1)*dilation zero frames on the left; streaming keeps exactly those last input frames as its state, a
/// buffer that starts as zeros, so both see the same inputs at every output frame.
/// </summary>
public sealed class CausalConvLayer : StreamingLayer
{
    private readonly Conv1d conv;

    public CausalConvLayer(int inputDim, int outputDim, int kernel, int dilation, int groups, bool relu)
        : base(nameof(CausalConvLayer))
    {
        if (kernel < 1 || dilation < 1 || groups < 1 || inputDim % groups != 0 || outputDim % groups != 0)
        {
            throw new ArgumentException($"invalid conv: {inputDim}->{outputDim} kernel {kernel} dilation {dilation} groups {groups}");
        }

        InputDimValue = inputDim;
        OutputDimValue = outputDim;
        Kernel = kernel;
        Dilation = dilation;
        Groups = groups;
        Relu = relu;
        conv = nn.Conv1d(inputDim, outputDim, kernel, dilation: dilation, groups: groups);
        RegisterComponents();
    }

    private int InputDimValue { get; }

    private int OutputDimValue { get; }

    public override int InputDim => InputDimValue;

    public override int OutputDim => OutputDimValue;

    public int Kernel { get; }

    public int Dilation { get; }

    public int Groups { get; }

    public bool Relu { get; }

    /// <summary>Input frames remembered between steps.</summary>
    public int Context => (Kernel - 1) * Dilation;

    /// <summary>[out, in/groups, kernel].</summary>
    public Tensor Weight => conv.weight!;

    public Tensor Bias => conv.bias!;

    public override long MacsPerFrame => (long)OutputDim * (InputDim / Groups) * Kernel;

    public override int? PastContext => Context;

    public override IReadOnlyList<long[]> StateShapes(int batchSize) =>
        Context == 0 ? [] : [[batchSize, InputDim, Context]];

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.transpose(1, 2);
        if (Context > 0)
        {
            x = nn.functional.pad(x, [Context, 0]);
        }

        var y = conv.call(x);
        if (Relu)
        {
            y = nn.functional.relu(y);
        }

        return y.transpose(1, 2).MoveToOuterDisposeScope();
    }

    public override (Tensor Output, IReadOnlyList<Tensor> State) Step(Tensor chunk, IReadOnlyList<Tensor> state)
    {
        var x = chunk.transpose(1, 2);
        Tensor[] next = [];
        if (Context > 0)
        {
            x = torch.cat([state[0], x], 2);
            next = [x.narrow(2, x.shape[2] - Context, Context)];
        }

        var y = conv.call(x);
        if (Relu)
        {
            y = nn.functional.relu(y);
        }

        return (y.transpose(1, 2), next);
    }

    public override string Describe() =>
        $"conv k{Kernel} d{Dilation}{(Groups > 1 ? $" g{Groups}" : "")} {InputDim}->{OutputDim}{(Relu ? " relu" : "")}";
}
