using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Training;

/// <summary>Turns logits into the per-class posteriors a detector consumes (background dropped).</summary>
public static class Posteriors
{
    /// <summary>Logits [B,T,C] to posteriors [B,T,K]: sigmoid for C = 1, softmax without class 0 for C >= 2.</summary>
    public static Tensor FromLogits(Tensor logits) =>
        logits.shape[2] == 1 ? torch.sigmoid(logits) : torch.softmax(logits, 2).narrow(2, 1, logits.shape[2] - 1);

    /// <summary>
    /// What a device holds after each of the <paramref name="frames"/> valid frames of sequence <paramref name="b"/>
    /// (row-major [frames, K]): row i is frame i - <paramref name="lookAhead"/>'s posterior, the first rows 0 (warm-up),
    /// as Inference/FrameAudioScorer emits them.
    /// </summary>
    public static float[] Delayed(Tensor posteriors, int b, int frames, int lookAhead)
    {
        var offline = Row(posteriors, b, frames);
        if (lookAhead == 0)
        {
            return offline;
        }
        var k = offline.Length / Math.Max(1, frames);
        var delayed = new float[offline.Length];
        var shift = Math.Min(lookAhead, frames) * k;
        Array.Copy(offline, 0, delayed, shift, offline.Length - shift);
        return delayed;
    }

    /// <summary>Valid frames of sequence <paramref name="b"/> as a row-major [frames, K] array.</summary>
    public static float[] Row(Tensor posteriors, int b, int frames)
    {
        using var row = posteriors[b].narrow(0, 0, frames).contiguous().cpu();
        return row.data<float>().ToArray();
    }
}
