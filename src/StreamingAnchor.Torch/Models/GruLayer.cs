using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamingAnchor.Models;

/// <summary>One unidirectional GRU layer; its state is the hidden vector [1,B,H].</summary>
public sealed class GruLayer : StreamingLayer
{
    private readonly GRU gru;

    public GruLayer(int inputDim, int hidden) : base(nameof(GruLayer))
    {
        InputDimValue = inputDim;
        Hidden = hidden;
        gru = nn.GRU(inputDim, hidden, batchFirst: true);
        RegisterComponents();
    }

    private int InputDimValue { get; }

    public int Hidden { get; }

    public override int InputDim => InputDimValue;

    public override int OutputDim => Hidden;

    /// <summary>PyTorch layout: rows [r; z; n].</summary>
    public Tensor WeightIh => gru.get_parameter("weight_ih_l0")!;

    public Tensor WeightHh => gru.get_parameter("weight_hh_l0")!;

    public Tensor BiasIh => gru.get_parameter("bias_ih_l0")!;

    public Tensor BiasHh => gru.get_parameter("bias_hh_l0")!;

    public override long MacsPerFrame => 3L * Hidden * (InputDim + Hidden);

    public override int? PastContext => null;

    public override IReadOnlyList<long[]> StateShapes(int batchSize) => [[1, batchSize, Hidden]];

    public override Tensor forward(Tensor input)
    {
        var (output, h) = gru.call(input, null);
        h.Dispose();
        return output;
    }

    public override (Tensor Output, IReadOnlyList<Tensor> State) Step(Tensor chunk, IReadOnlyList<Tensor> state)
    {
        var (output, h) = gru.call(chunk, state[0]);
        return (output, [h]);
    }

    public override string Describe() => $"gru {InputDim}->{Hidden}";
}
