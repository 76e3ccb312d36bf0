using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamingAnchor.Models;

/// <summary>Every family is a chain of causal layers ending in a linear head; this runs such a chain.</summary>
public sealed class StackedStreamingModel : StreamingModel
{
    private readonly ModuleList<StreamingLayer> layers;
    private readonly ModelConfig config;

    public StackedStreamingModel(ModelConfig config, IReadOnlyList<StreamingLayer> layers) : base(config.Family)
    {
        if (layers.Count == 0)
        {
            throw new ArgumentException("a model needs at least one layer");
        }

        for (var i = 1; i < layers.Count; i++)
        {
            if (layers[i].InputDim != layers[i - 1].OutputDim)
            {
                throw new ArgumentException($"layer {i} expects {layers[i].InputDim} inputs but gets {layers[i - 1].OutputDim}");
            }
        }

        this.config = config;
        this.layers = new ModuleList<StreamingLayer>(layers.ToArray());
        RegisterComponents();
    }

    public override ModelConfig Config => config;

    public IReadOnlyList<StreamingLayer> Layers => layers.ToArray();

    public override int InputDim => layers[0].InputDim;

    public override int NumClasses => layers[^1].OutputDim;

    /// <summary>Shapes of the state tensors for a batch, in Step's order.</summary>
    public IReadOnlyList<long[]> StateShapes(int batchSize) => layers.SelectMany(l => l.StateShapes(batchSize)).ToArray();

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

        foreach (var layer in layers)
        {
            x = layer.call(x);
        }

        if (LookAhead > 0)
        {
            x = x.narrow(1, LookAhead, frames);
        }

        return x.MoveToOuterDisposeScope();
    }

    public override StreamState InitialState(int batchSize)
    {
        var device = layers[0].parameters().FirstOrDefault()?.device ?? torch.CPU;
        return new StreamState(StateShapes(batchSize).Select(s => torch.zeros(s, device: device)).ToArray());
    }

    public override (Tensor Output, StreamState State) Step(Tensor chunk, StreamState state)
    {
        if (chunk.dim() != 3 || chunk.shape[2] != InputDim || chunk.shape[1] < 1)
        {
            throw new ArgumentException($"expected a chunk [B,n>=1,{InputDim}], got [{string.Join(",", chunk.shape)}]");
        }

        var expected = StateShapes((int)chunk.shape[0]);
        if (state.Tensors.Count != expected.Count)
        {
            throw new ArgumentException($"state has {state.Tensors.Count} tensors, the model needs {expected.Count}");
        }

        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var x = chunk;
        var next = new List<Tensor>(expected.Count);
        var used = 0;
        foreach (var layer in layers)
        {
            var count = layer.StateShapes(1).Count;
            var (y, s) = layer.Step(x, state.Tensors.Skip(used).Take(count).ToArray());
            used += count;
            next.AddRange(s);
            x = y;
        }

        // Views into a concatenation would pin the whole buffer; a compact copy keeps the state its nominal size.
        var kept = next.Select(t => t.contiguous().MoveToOuterDisposeScope()).ToArray();
        return (x.MoveToOuterDisposeScope(), new StreamState(kept));
    }
}
