using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamingAnchor.Models;

/// <summary>Every family is a chain of causal layers ending in a linear head; this runs such a chain.</summary>
public sealed class StackedStreamingModel : StreamingModel
{
    private readonly ModuleList<StreamingLayer> layers;
    private readonly StreamingLayer[] stack; // the same modules; enumerating a ModuleList costs microseconds per step
    private readonly int[] stateCounts;
    private readonly ModelConfig config;

    public StackedStreamingModel(ModelConfig config, IReadOnlyList<StreamingLayer> stack) : base(config.Family.Name())
    {
        if (stack.Count == 0)
        {
            throw new ArgumentException("a model needs at least one layer");
        }

        for (var i = 1; i < stack.Count; i++)
        {
            if (stack[i].InputDim != stack[i - 1].OutputDim)
            {
                throw new ArgumentException($"layer {i} expects {stack[i].InputDim} inputs but gets {stack[i - 1].OutputDim}");
            }
        }

        this.config = config;
        this.stack = stack.ToArray();
        stateCounts = this.stack.Select(l => l.StateShapes(1).Count).ToArray();
        layers = new ModuleList<StreamingLayer>(this.stack);
        RegisterComponents();
    }

    public override ModelConfig Config => config;

    public IReadOnlyList<StreamingLayer> Layers => stack;

    public override int InputDim => stack[0].InputDim;

    public override int NumClasses => stack[^1].OutputDim;

    /// <summary>Shapes of the state tensors for a batch, in Step's order.</summary>
    public IReadOnlyList<long[]> StateShapes(int batchSize) => stack.SelectMany(l => l.StateShapes(batchSize)).ToArray();

    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 3 || input.shape[2] != InputDim)
        {
            throw new ArgumentException($"expected features [B,T,{InputDim}], got [{string.Join(",", input.shape)}]");
        }

        using var scope = NewDisposeScope();
        var x = input;
        var frames = input.shape[1];
        if (LookAhead > 0)
        {
            x = torch.cat([x, torch.zeros(input.shape[0], LookAhead, InputDim, dtype: input.dtype, device: input.device)], 1);
        }

        foreach (var layer in stack)
        {
            x = DisposingInput(x, input, layer.call(x));
        }

        if (LookAhead > 0)
        {
            x = x.narrow(1, LookAhead, frames);
        }

        return x.MoveToOuterDisposeScope();
    }

    public override StreamState InitialState(int batchSize)
    {
        var device = stack[0].parameters().FirstOrDefault()?.device ?? torch.CPU;
        return new StreamState(StateShapes(batchSize).Select(s => torch.zeros(s, device: device)).ToArray());
    }

    /// <summary>
    /// <paramref name="output"/>, after releasing this handle on the layer's input <paramref name="x"/> unless it is the
    /// caller's <paramref name="input"/> or the output itself. A dispose scope would hold every layer's activations until
    /// the forward returns, which for dev batches of whole long streams dominated memory. Autograd keeps its own
    /// reference to what the backward pass needs, so training is unaffected.
    /// </summary>
    internal static Tensor DisposingInput(Tensor x, Tensor input, Tensor output)
    {
        if (!ReferenceEquals(x, input) && !ReferenceEquals(x, output))
        {
            x.Dispose();
        }
        return output;
    }

    public override (Tensor Output, StreamState State) Step(Tensor chunk, StreamState state)
    {
        if (chunk.dim() != 3 || chunk.shape[2] != InputDim || chunk.shape[1] < 1)
        {
            throw new ArgumentException($"expected a chunk [B,n>=1,{InputDim}], got [{string.Join(",", chunk.shape)}]");
        }

        var expected = stateCounts.Sum();
        if (state.Tensors.Count != expected)
        {
            throw new ArgumentException($"state has {state.Tensors.Count} tensors, the model needs {expected}");
        }

        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var x = chunk;
        var next = new List<Tensor>(expected);
        var used = 0;
        for (var i = 0; i < stack.Length; i++)
        {
            var layer = stack[i];
            var count = stateCounts[i];
            var (y, s) = layer.Step(x, count == 0 ? [] : state.Tensors.Skip(used).Take(count).ToArray());
            used += count;
            next.AddRange(s);
            x = y;
        }

        // Views into a concatenation would pin the whole buffer; a compact copy keeps the state its nominal size.
        var kept = next.Select(t => t.contiguous().MoveToOuterDisposeScope()).ToArray();
        return (x.MoveToOuterDisposeScope(), new StreamState(kept));
    }
}
