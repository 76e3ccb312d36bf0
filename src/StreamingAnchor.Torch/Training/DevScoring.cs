using StreamingAnchor.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Training;

/// <summary>
/// How the dev split is scored fast: logits aligned with the input frames from the offline forward, or for long
/// streams from the model's streaming step in chunks (the same numbers: offline equals streaming for every family,
/// Models/StreamingEquivalenceTests), then posteriors delayed by the look-ahead as the device loop emits them.
/// </summary>
public static class DevScoring
{
    /// <summary>Frames beyond which a batch goes through the step in chunks of this many frames (5 min).</summary>
    public const int DefaultChunkFrames = 30_000;

    /// <summary>Logits [B,T,C], row t for frame t, with memory bounded by <paramref name="chunkFrames"/> frames of activations.</summary>
    public static Tensor OfflineLogits(StreamingModel model, Tensor features, int chunkFrames = DefaultChunkFrames)
    {
        var frames = features.shape[1];
        if (frames <= chunkFrames)
        {
            return model.forward(features);
        }
        var batchSize = (int)features.shape[0];
        var rows = new List<Tensor>();
        var state = model.InitialState(batchSize);
        for (long start = 0; start < frames; start += chunkFrames)
        {
            var (output, next) = model.Step(features.narrow(1, start, Math.Min(chunkFrames, frames - start)), state);
            state.Dispose();
            state = next;
            rows.Add(output);
        }
        if (model.LookAhead > 0)
        {
            var (tail, after) = model.Flush(state, batchSize);
            state.Dispose();
            state = after;
            rows.Add(tail);
        }
        state.Dispose();
        // Step rows are delayed by the look-ahead: drop the k warm-up rows so row t is frame t, as forward gives.
        return torch.cat(rows, 1).narrow(1, model.LookAhead, frames);
    }
}
