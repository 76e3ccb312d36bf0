namespace StreamingAnchor.Evaluation.Peers;

/// <summary>
/// One stream through upstream openWakeWord's Python pipeline (<c>AudioFeatures._streaming_features</c> and
/// <c>Model.predict</c>), one 1280-sample chunk at a time: the mel model runs on the newest 1280+480 samples
/// (only 1280 exist on the first chunk, giving 5 frames instead of 8), the mel buffer starts as 76 rows of
/// ones, the embedding network runs once per chunk on the newest 76 mel rows, the embedding buffer starts with
/// the embeddings of 4 s of noise, the head scores the newest embeddings and the first 5 scores are forced to 0.
/// Samples are on the int16 scale.
/// </summary>
public sealed class OpenWakeWordStream
{
    public const int ChunkSamples = 1280;
    public const int MelContextSamples = 480;
    public const int WarmupScores = 5;

    private const int RawCapacity = ChunkSamples + MelContextSamples;
    private readonly OpenWakeWordModel _model;
    private readonly float[] _raw = new float[RawCapacity];
    private int _rawCount;
    private readonly float[] _mel = new float[OpenWakeWordModel.EmbeddingWindow * OpenWakeWordModel.MelBins];
    private readonly float[] _features;
    private int _scores;

    public OpenWakeWordStream(OpenWakeWordModel model, int noiseSeed = 0)
    {
        _model = model;
        Array.Fill(_mel, 1f);
        var prefix = model.NoisePrefix(noiseSeed);
        _features = new float[model.HeadWindow * OpenWakeWordModel.EmbeddingDim];
        Array.Copy(prefix, prefix.Length - _features.Length, _features, 0, _features.Length);
    }

    /// <summary>Feeds one 1280-sample chunk (int16 scale) and returns the head's score for it.</summary>
    public float Push(ReadOnlySpan<float> chunk)
    {
        if (chunk.Length != ChunkSamples)
        {
            throw new ArgumentException($"openWakeWord consumes {ChunkSamples}-sample chunks, got {chunk.Length}", nameof(chunk));
        }
        if (_rawCount + ChunkSamples > RawCapacity)
        {
            var keep = RawCapacity - ChunkSamples;
            Array.Copy(_raw, _rawCount - keep, _raw, 0, keep);
            _rawCount = keep;
        }
        chunk.CopyTo(_raw.AsSpan(_rawCount));
        _rawCount += ChunkSamples;

        var mel = _model.Mel(_raw, _rawCount);
        var rows = mel.Length / OpenWakeWordModel.MelBins;
        ShiftIn(_mel, mel, Math.Min(rows, OpenWakeWordModel.EmbeddingWindow) * OpenWakeWordModel.MelBins);

        var embedding = _model.Embed(_mel, 1);
        ShiftIn(_features, embedding, OpenWakeWordModel.EmbeddingDim);

        var score = _model.Head(_features);
        return _scores++ < WarmupScores ? 0f : score;
    }

    /// <summary>Drops the oldest <paramref name="count"/> values of <paramref name="buffer"/> and appends the newest of <paramref name="fresh"/>.</summary>
    private static void ShiftIn(float[] buffer, float[] fresh, int count)
    {
        Array.Copy(buffer, count, buffer, 0, buffer.Length - count);
        Array.Copy(fresh, fresh.Length - count, buffer, buffer.Length - count, count);
    }
}
