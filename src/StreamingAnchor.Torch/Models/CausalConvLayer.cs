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

    /// <summary>The ring buffer is frame-major, [B, ctx, in], like the chunks, so a step needs no transposes.</summary>
    public override IReadOnlyList<long[]> StateShapes(int batchSize) =>
        Context == 0 ? [] : [[batchSize, Context, InputDim]];

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
        // conv1d's CPU kernels carry a large fixed cost for a handful of frames, so a step computes the same sums
        // as one matmul over a strided view of the kernel taps (a per-channel weighted sum when depthwise).
        Tensor y;
        Tensor[] next = [];
        var x = chunk;
        if (Context > 0)
        {
            x = torch.cat([state[0], chunk], 1);
            next = [x.narrow(1, x.shape[1] - Context, Context)];
        }
        else if (Groups == 1)
        {
            using var w1 = Weight.reshape(OutputDim, InputDim);
            y = nn.functional.linear(chunk, w1, Bias);
            return (Relu ? nn.functional.relu(y) : y, next);
        }

        x = x.contiguous();
        var (b, n, length) = (chunk.shape[0], chunk.shape[1], x.shape[1]);
        // taps[b, j, c, k] = x[b, j + k * dilation, c]: the inputs output frame j sees. TorchSharp's as_strided
        // counts from storage offset 0, not the view's, so x (a narrow of a longer [1,T,C] stays contiguous) passes it.
        var taps = x.as_strided([b, n, InputDim, Kernel], [length * InputDim, InputDim, 1, Dilation * InputDim], x.storage_offset());
        if (Groups == 1)
        {
            using var w = Weight.reshape(OutputDim, InputDim * Kernel);
            y = nn.functional.linear(taps.reshape(b, n, InputDim * Kernel), w, Bias);
        }
        else if (Groups == InputDim && Groups == OutputDim)
        {
            using var w = Weight.reshape(InputDim, Kernel);
            y = (taps * w).sum(3) + Bias;
        }
        else
        {
            y = conv.call(x.transpose(1, 2)).transpose(1, 2);
        }

        return (Relu ? nn.functional.relu(y) : y, next);
    }

    public override string Describe() =>
        $"conv k{Kernel} d{Dilation}{(Groups > 1 ? $" g{Groups}" : "")} {InputDim}->{OutputDim}{(Relu ? " relu" : "")}";
}
