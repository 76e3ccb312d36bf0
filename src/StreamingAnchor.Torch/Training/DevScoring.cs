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

    /// <summary>
    /// Padded frames (rows x frames) one forward pass may hold: a batch beyond it is scored a few rows at a time. About
    /// 40 minutes of audio; without oneDNN, libtorch's convolutions unfold their whole input (channels x taps per frame),
    /// so a batch of long dev streams in one pass dominated training's memory (docs/recipes.md, "Memory").
    /// </summary>
    public const long DefaultBatchFrames = 250_000;

    /// <summary>
    /// Logits [B,T,C], row t for frame t, with memory bounded by <paramref name="chunkFrames"/> frames of a row and
    /// <paramref name="batchFrames"/> padded frames of activations per pass (the rows are independent, so the numbers
    /// do not depend on either bound).
    /// </summary>
    public static Tensor OfflineLogits(StreamingModel model, Tensor features, int chunkFrames = DefaultChunkFrames,
        long batchFrames = DefaultBatchFrames)
    {
        var rows = features.shape[0];
        var frames = features.shape[1];
        var rowsPerPass = Math.Max(1, batchFrames / Math.Max(1, Math.Min(frames, chunkFrames)));
        if (rows <= rowsPerPass)
        {
            return RowLogits(model, features, chunkFrames);
        }
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>();
        for (long first = 0; first < rows; first += rowsPerPass)
        {
            using var group = features.narrow(0, first, Math.Min(rowsPerPass, rows - first));
            parts.Add(RowLogits(model, group, chunkFrames));
        }
        return torch.cat(parts, 0).MoveToOuterDisposeScope();
    }

    private static Tensor RowLogits(StreamingModel model, Tensor features, int chunkFrames)
    {
        var frames = features.shape[1];
        if (frames <= chunkFrames)
        {
            return model.forward(features);
        }
        var batchSize = (int)features.shape[0];
        var pieces = new List<Tensor>();
        var state = model.InitialState(batchSize);
        for (long start = 0; start < frames; start += chunkFrames)
        {
            var (output, next) = model.Step(features.narrow(1, start, Math.Min(chunkFrames, frames - start)), state);
            state.Dispose();
            state = next;
            pieces.Add(output);
        }
        if (model.LookAhead > 0)
        {
            var (tail, after) = model.Flush(state, batchSize);
            state.Dispose();
            state = after;
            pieces.Add(tail);
        }
        state.Dispose();
        // Step rows are delayed by the look-ahead: drop the k warm-up rows so row t is frame t, as forward gives.
        return torch.cat(pieces, 1).narrow(1, model.LookAhead, frames);
    }
}
