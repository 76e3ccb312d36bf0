using StreamingAnchor.Audio;

namespace StreamingAnchor.Inference;

/// <summary>
/// Audio in, posteriors out, as a device holds them: row i belongs to frame i of the stream (look-ahead warm-up rows
/// are zeros). Implemented by the front end + a frame model (<see cref="FrameAudioScorer"/>) and by a raw-audio ONNX graph.
/// </summary>
public interface IAudioScorer : IDisposable
{
    /// <summary>Posteriors per row: the positive classes (background excluded).</summary>
    int Classes { get; }

    /// <summary>
    /// The extra per-frame streams (e.g. accelerometer) the model reads after the mel bins, in feature order; empty for
    /// audio-only models. A stream's row t goes with mel frame t.
    /// </summary>
    IReadOnlyList<string> StreamNames { get; }

    /// <summary>Feeds samples (any count) and returns the rows [n, Classes] of the frames they completed.</summary>
    float[] Push(ReadOnlySpan<float> samples);

    /// <summary>Starts a new stream whose extra streams are <paramref name="streams"/> (one per <see cref="StreamNames"/>, in order).</summary>
    void Reset(IReadOnlyList<FeatureMatrix> streams);
}
