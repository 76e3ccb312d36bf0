using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamingAnchor.Models;

/// <summary>One unidirectional LSTM layer; its state is the hidden and the cell vector, each [1,B,H].</summary>
public sealed class LstmLayer : StreamingLayer
{
    private readonly LSTM lstm;

    public LstmLayer(int inputDim, int hidden) : base(nameof(LstmLayer))
    {
        InputDimValue = inputDim;
        Hidden = hidden;
        lstm = nn.LSTM(inputDim, hidden, batchFirst: true);
        RegisterComponents();
    }

    private int InputDimValue { get; }

    public int Hidden { get; }

    public override int InputDim => InputDimValue;

    public override int OutputDim => Hidden;

    /// <summary>PyTorch layout: rows [i; f; g; o].</summary>
    public Tensor WeightIh => lstm.get_parameter("weight_ih_l0")!;

    public Tensor WeightHh => lstm.get_parameter("weight_hh_l0")!;

    public Tensor BiasIh => lstm.get_parameter("bias_ih_l0")!;

    public Tensor BiasHh => lstm.get_parameter("bias_hh_l0")!;

    public override long MacsPerFrame => 4L * Hidden * (InputDim + Hidden);

    public override int? PastContext => null;

    public override IReadOnlyList<long[]> StateShapes(int batchSize) => [[1, batchSize, Hidden], [1, batchSize, Hidden]];

    public override Tensor forward(Tensor input)
    {
        var (output, h, c) = lstm.call(input, null);
        h.Dispose();
        c.Dispose();
        return output;
    }

    public override (Tensor Output, IReadOnlyList<Tensor> State) Step(Tensor chunk, IReadOnlyList<Tensor> state)
    {
        var (output, h, c) = lstm.call(chunk, (state[0], state[1]));
        return (output, [h, c]);
    }

    public override string Describe() => $"lstm {InputDim}->{Hidden}";
}
