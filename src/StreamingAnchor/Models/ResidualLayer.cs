using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamingAnchor.Models;

/// <summary>x + f(x) for a causal stack f whose output width equals its input width.</summary>
public sealed class ResidualLayer : StreamingLayer
{
    private readonly ModuleList<StreamingLayer> inner;

    public ResidualLayer(IReadOnlyList<StreamingLayer> layers) : base(nameof(ResidualLayer))
    {
        if (layers.Count == 0 || layers[0].InputDim != layers[^1].OutputDim)
        {
            throw new ArgumentException("a residual block needs layers whose output width equals their input width");
        }

        inner = new ModuleList<StreamingLayer>(layers.ToArray());
        RegisterComponents();
    }

    public IReadOnlyList<StreamingLayer> Inner => inner.ToArray();

    public override int InputDim => inner[0].InputDim;

    public override int OutputDim => inner[^1].OutputDim;

    public override long MacsPerFrame => inner.Sum(l => l.MacsPerFrame);

    public override int? PastContext => inner.Any(l => l.PastContext is null) ? null : inner.Sum(l => l.PastContext!.Value);

    public override IReadOnlyList<long[]> StateShapes(int batchSize) => inner.SelectMany(l => l.StateShapes(batchSize)).ToArray();

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var layer in inner)
        {
            x = layer.call(x);
        }

        return (input + x).MoveToOuterDisposeScope();
    }

    public override (Tensor Output, IReadOnlyList<Tensor> State) Step(Tensor chunk, IReadOnlyList<Tensor> state)
    {
        var x = chunk;
        var next = new List<Tensor>();
        var used = 0;
        foreach (var layer in inner)
        {
            var count = layer.StateShapes(1).Count;
            var (y, s) = layer.Step(x, state.Skip(used).Take(count).ToArray());
            used += count;
            next.AddRange(s);
            x = y;
        }

        return (chunk + x, next);
    }

    public override string Describe() => "residual[" + string.Join(", ", inner.Select(l => l.Describe())) + "]";
}
