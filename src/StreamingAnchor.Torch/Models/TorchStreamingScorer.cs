using StreamingAnchor.Inference;
using TorchSharp;

namespace StreamingAnchor.Models;

/// <summary>Runs a TorchSharp <see cref="StreamingModel"/> as one stream (batch 1).</summary>
public sealed class TorchStreamingScorer : IStreamingScorer
{
    private readonly StreamingModel model;
    private StreamState state;

    public TorchStreamingScorer(StreamingModel model)
    {
        this.model = model;
        model.eval();
        state = model.InitialState(1);
    }

    public int InputDim => model.InputDim;

    public int NumClasses => model.NumClasses;

    public int LookAhead => model.LookAhead;

    public float[] Push(float[] frames)
    {
        using var input = torch.tensor(frames, [1, frames.Length / InputDim, InputDim]);
        var (output, next) = model.Step(input, state);
        state.Dispose();
        state = next;
        using (output)
        {
            using var dense = output.contiguous();
            return dense.data<float>().ToArray();
        }
    }

    public float[] Flush() => LookAhead == 0 ? [] : Push(new float[LookAhead * InputDim]);

    public void Reset()
    {
        state.Dispose();
        state = model.InitialState(1);
    }

    public void Dispose() => state.Dispose();
}
