using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Models;

/// <summary>
/// A frame-level detector that runs offline on whole sequences (forward: [B,T,F] -> logits [B,T,C]) and
/// streaming, chunk by chunk, with an explicit state, and gives the same numbers both ways.
/// <para>
/// Look-ahead k: offline, the output for frame t depends on frames up to t + k (the input is padded with k zero
/// frames at the end). Streaming, Step returns one output row per input frame, delayed by k: after a stream has
/// been fed frames 0..m-1 in total, the rows returned so far are the outputs for frames -k..m-1-k, where rows
/// for negative frames are warm-up and carry no meaning. <see cref="Flush"/> feeds the k zero frames that give
/// the outputs of the last k frames at the end of a stream. With k = 0 rows and frames coincide.
/// </para>
/// </summary>
public abstract class StreamingModel : nn.Module<Tensor, Tensor>
{
    protected StreamingModel(string name) : base(name)
    {
    }

    public abstract ModelConfig Config { get; }

    public abstract int InputDim { get; }

    /// <summary>C: 1 means one binary sigmoid output, 2 or more a softmax over classes (0 = background).</summary>
    public abstract int NumClasses { get; }

    /// <summary>Frames by which streaming outputs lag the input (ModelConfig.LookAhead).</summary>
    public int LookAhead => Config.LookAhead;

    /// <summary>A fresh (all zeros) state for <paramref name="batchSize"/> independent streams.</summary>
    public abstract StreamState InitialState(int batchSize);

    /// <summary>
    /// Feeds a chunk [B,n,F] (n >= 1) and returns n output rows [B,n,C] and the new state. The given state is left
    /// untouched (the caller disposes it), so a stream can be replayed or branched. Runs without gradients.
    /// </summary>
    public abstract (Tensor Output, StreamState State) Step(Tensor chunk, StreamState state);

    /// <summary>Outputs [B,k,C] for the last k = LookAhead frames of a stream (empty when k = 0).</summary>
    public (Tensor Output, StreamState State) Flush(StreamState state, int batchSize)
    {
        var batch = batchSize;
        if (LookAhead == 0)
        {
            return (torch.zeros(batch, 0, NumClasses), state.Copy());
        }

        using var pad = torch.zeros(batch, LookAhead, InputDim);
        return Step(pad, state);
    }
}
