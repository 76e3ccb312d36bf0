using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamingAnchor.Models;

/// <summary>x + f(x) for a causal stack f whose output width equals its input width.</summary>
public sealed class ResidualLayer : StreamingLayer
{
    private readonly ModuleList<StreamingLayer> inner;
    private readonly StreamingLayer[] stack; // the same modules; enumerating a ModuleList costs microseconds per step
    private readonly int[] stateCounts;

    public ResidualLayer(IReadOnlyList<StreamingLayer> layers) : base(nameof(ResidualLayer))
    {
        if (layers.Count == 0 || layers[0].InputDim != layers[^1].OutputDim)
        {
            throw new ArgumentException("a residual block needs layers whose output width equals their input width");
        }

        stack = layers.ToArray();
        stateCounts = stack.Select(l => l.StateShapes(1).Count).ToArray();
        inner = new ModuleList<StreamingLayer>(stack);
        RegisterComponents();
    }

    public IReadOnlyList<StreamingLayer> Inner => stack;

    public override int InputDim => stack[0].InputDim;

    public override int OutputDim => stack[stack.Length - 1].OutputDim;

    public override long MacsPerFrame => stack.Sum(l => l.MacsPerFrame);

    public override int? PastContext => stack.Any(l => l.PastContext is null) ? null : stack.Sum(l => l.PastContext!.Value);

    public override IReadOnlyList<long[]> StateShapes(int batchSize) => stack.SelectMany(l => l.StateShapes(batchSize)).ToArray();

    // `a + b` makes a temporary alpha Scalar that TorchSharp 0.107 does not keep alive through the native call; the
    // finalizer freeing it mid-call crashed TCN training ("Expected false to be true" from Scalar::toFloat). A static
    // Scalar is never collected.
    private static readonly Scalar One = 1.0;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var layer in stack)
        {
            x = StackedStreamingModel.DisposingInput(x, input, layer.call(x));
        }

        return input.add(x, One).MoveToOuterDisposeScope();
    }

    public override (Tensor Output, IReadOnlyList<Tensor> State) Step(Tensor chunk, IReadOnlyList<Tensor> state)
    {
        var x = chunk;
        var next = new List<Tensor>();
        var used = 0;
        for (var i = 0; i < stack.Length; i++)
        {
            var layer = stack[i];
            var count = stateCounts[i];
            var (y, s) = layer.Step(x, count == 0 ? [] : state.Skip(used).Take(count).ToArray());
            used += count;
            next.AddRange(s);
            x = y;
        }

        return (chunk.add(x, One), next);
    }

    public override string Describe() => "residual[" + string.Join(", ", stack.Select(l => l.Describe())) + "]";
}
