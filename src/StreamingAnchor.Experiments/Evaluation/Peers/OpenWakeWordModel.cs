using Microsoft.ML.OnnxRuntime;

namespace StreamingAnchor.Evaluation.Peers;

/// <summary>
/// openWakeWord's three ONNX stages (mel front end, Google speech-embedding network, wake-word head), loaded
/// once and shared by every <see cref="OpenWakeWordStream"/>. Input and output names and the head's window
/// length come from the models' metadata.
/// </summary>
public sealed class OpenWakeWordModel : IDisposable
{
    /// <summary>
    /// The published models' input rate: their mel front end is inside the graph and was trained on 16 kHz audio, so
    /// this is openWakeWord's, fixed, not our front end's (FbankConfig) and not to follow it.
    /// </summary>
    public const int SampleRate = 16000;

    /// <summary>Mel bins of the front end and rows the embedding network looks at.</summary>
    public const int MelBins = 32;
    public const int EmbeddingWindow = 76;
    public const int EmbeddingDim = 96;

    private readonly InferenceSession _mel;
    private readonly InferenceSession _embedding;
    private readonly InferenceSession _head;
    private readonly string[] _melIn;
    private readonly string[] _melOut;
    private readonly string[] _embIn;
    private readonly string[] _embOut;
    private readonly string[] _headIn;
    private readonly string[] _headOut;
    private readonly Dictionary<int, float[]> _noisePrefixes = [];
    private readonly RunOptions _run = new();

    public OpenWakeWordModel(string melPath, string embeddingPath, string headPath)
    {
        _mel = OnnxSessions.OpenSingleThreaded(melPath);
        _embedding = OnnxSessions.OpenSingleThreaded(embeddingPath);
        _head = OnnxSessions.OpenSingleThreaded(headPath);
        _melIn = [OnnxSessions.Single(_mel.InputMetadata, melPath, "input")];
        _melOut = [OnnxSessions.Single(_mel.OutputMetadata, melPath, "output")];
        _embIn = [OnnxSessions.Single(_embedding.InputMetadata, embeddingPath, "input")];
        _embOut = [OnnxSessions.Single(_embedding.OutputMetadata, embeddingPath, "output")];
        _headIn = [OnnxSessions.Single(_head.InputMetadata, headPath, "input")];
        _headOut = [OnnxSessions.Single(_head.OutputMetadata, headPath, "output")];
        var headDims = _head.InputMetadata[_headIn[0]].Dimensions;
        if (headDims.Length != 3 || headDims[1] <= 0 || headDims[2] != EmbeddingDim)
        {
            throw new PeerModelUnavailableException(
                $"{headPath}: expected a wake-word head taking [1,N,{EmbeddingDim}], got [{string.Join(",", headDims)}]");
        }
        HeadWindow = headDims[1];
        Name = Path.GetFileNameWithoutExtension(headPath);
        FrontEndStats = OnnxModelStats.Measure(melPath);
        // The mel model is a fixed STFT + mel filterbank (like our parameter-free fbank): its weights are
        // reported apart and left out of the learned parameter count.
        LearnedStats = OnnxModelStats.Measure(embeddingPath) + OnnxModelStats.Measure(headPath);
    }

    /// <summary>Loads the openWakeWord models for <paramref name="headFile"/> (e.g. <c>hey_jarvis_v0.1.onnx</c>) from the cache.</summary>
    public static OpenWakeWordModel FromCache(PeerModelCache cache, string headFile, IProgress<string>? progress = null)
    {
        var dir = cache.OpenWakeWordModels(progress);
        var head = Path.Combine(dir, headFile);
        if (!File.Exists(head))
        {
            throw new PeerModelUnavailableException(
                $"{head}: no such openWakeWord model (have {string.Join(", ", Directory.GetFiles(dir, "*_v*.onnx").Select(Path.GetFileName))})");
        }
        return new OpenWakeWordModel(Path.Combine(dir, "melspectrogram.onnx"), Path.Combine(dir, "embedding_model.onnx"), head);
    }

    /// <summary>Head model name, e.g. <c>hey_jarvis_v0.1</c>.</summary>
    public string Name { get; }

    /// <summary>Embeddings the head scores at once (16 for the shipped heads: 1.28 s).</summary>
    public int HeadWindow { get; }

    /// <summary>Embedding network + head.</summary>
    public OnnxModelStats LearnedStats { get; }

    /// <summary>The mel front-end model.</summary>
    public OnnxModelStats FrontEndStats { get; }

    /// <summary>Mel frames of int16-scale <paramref name="samples"/>, transformed x/10+2 as upstream does, row-major [frames,32].</summary>
    public float[] Mel(float[] samples, int count)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, samples.AsMemory(0, count), [1, count]);
        using var outputs = _mel.Run(_run, _melIn, [input], _melOut);
        var data = outputs[0].GetTensorDataAsSpan<float>();
        var result = new float[data.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = data[i] / 10f + 2f;
        }
        return result;
    }

    /// <summary>Embeddings of <paramref name="windows"/> stacked [N,76,32], one 96-vector per window.</summary>
    public float[] Embed(float[] windows, int count)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, windows.AsMemory(0, count * EmbeddingWindow * MelBins), [count, EmbeddingWindow, MelBins, 1]);
        using var outputs = _embedding.Run(_run, _embIn, [input], _embOut);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Head score of the newest <see cref="HeadWindow"/> embeddings [W,96].</summary>
    public float Head(float[] embeddings)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, embeddings.AsMemory(), [1, HeadWindow, EmbeddingDim]);
        using var outputs = _head.Run(_run, _headIn, [input], _headOut);
        return outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    /// <summary>
    /// The embeddings a fresh upstream stream starts with: those of 4 s of uniform integer noise in [-1000, 1000)
    /// (upstream draws it unseeded; a seed keeps our runs reproducible). Cached per seed.
    /// </summary>
    public float[] NoisePrefix(int seed)
    {
        lock (_noisePrefixes)
        {
            if (_noisePrefixes.TryGetValue(seed, out var cached))
            {
                return cached;
            }
            var rng = new Random(seed);
            var noise = new float[SampleRate * 4];
            for (var i = 0; i < noise.Length; i++)
            {
                noise[i] = rng.Next(-1000, 1000);
            }
            var mel = Mel(noise, noise.Length);
            var frames = mel.Length / MelBins;
            var starts = Enumerable.Range(0, frames).Where(i => i % 8 == 0 && i + EmbeddingWindow <= frames).ToList();
            var windows = new float[starts.Count * EmbeddingWindow * MelBins];
            for (var w = 0; w < starts.Count; w++)
            {
                Array.Copy(mel, starts[w] * MelBins, windows, w * EmbeddingWindow * MelBins, EmbeddingWindow * MelBins);
            }
            var embeddings = Embed(windows, starts.Count);
            if (starts.Count < HeadWindow)
            {
                throw new InvalidOperationException($"{Name}: 4 s of noise gave {starts.Count} embeddings, fewer than the head's {HeadWindow}");
            }
            _noisePrefixes[seed] = embeddings;
            return embeddings;
        }
    }

    public void Dispose()
    {
        _mel.Dispose();
        _embedding.Dispose();
        _head.Dispose();
        _run.Dispose();
    }
}
