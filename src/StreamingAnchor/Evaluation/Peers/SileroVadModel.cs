using Microsoft.ML.OnnxRuntime;

namespace StreamingAnchor.Evaluation.Peers;

/// <summary>
/// Silero VAD v4 (the <c>silero_vad.onnx</c> shipped with the openWakeWord npm package): inputs <c>input</c>
/// [1,512] in [-1,1], <c>sr</c> (int64 scalar), LSTM states <c>h</c>/<c>c</c> [2,1,64]; outputs the speech
/// probability and the next states. The names are checked against the model's metadata.
/// </summary>
public sealed class SileroVadModel : IDisposable
{
    public const int WindowSamples = 512;
    public const int StateSize = 2 * 1 * 64;

    private static readonly string[] RequiredInputs = ["input", "sr", "h", "c"];
    private readonly InferenceSession _session;
    private readonly string[] _inputNames = RequiredInputs;
    private readonly string[] _outputNames;
    private readonly RunOptions _run = new();
    private readonly long[] _sampleRate = [16000];

    public SileroVadModel(string path)
    {
        _session = OnnxSessions.OpenSingleThreaded(path);
        var inputs = _session.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        if (!RequiredInputs.All(inputs.Contains))
        {
            _session.Dispose();
            throw new PeerModelUnavailableException(
                $"{path}: not a Silero VAD v4 model (inputs {string.Join(", ", inputs)}; expected {string.Join(", ", RequiredInputs)})");
        }
        // Output order in the file: probability, then h, then c.
        _outputNames = _session.OutputMetadata.Keys.ToArray();
        if (_outputNames.Length != 3)
        {
            _session.Dispose();
            throw new PeerModelUnavailableException($"{path}: expected 3 outputs (probability, h, c), found {_outputNames.Length}");
        }
        Name = Path.GetFileNameWithoutExtension(path);
        // The STFT basis is fixed signal processing, the counterpart of our parameter-free front end.
        Stats = OnnxModelStats.Measure(path, "forward_basis_buffer");
    }

    public static SileroVadModel FromCache(PeerModelCache cache, IProgress<string>? progress = null) =>
        new(cache.OpenWakeWordModel("silero_vad.onnx", progress));

    public string Name { get; }

    public OnnxModelStats Stats { get; }

    /// <summary>One step: speech probability of <paramref name="window"/> (512 samples), updating <paramref name="h"/> and <paramref name="c"/> in place.</summary>
    public float Step(float[] window, float[] h, float[] c)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, window.AsMemory(), [1, WindowSamples]);
        using var sr = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _sampleRate.AsMemory(), []);
        using var hv = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, h.AsMemory(), [2, 1, 64]);
        using var cv = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, c.AsMemory(), [2, 1, 64]);
        using var outputs = _session.Run(_run, _inputNames, [input, sr, hv, cv], _outputNames);
        var p = outputs[0].GetTensorDataAsSpan<float>()[0];
        outputs[1].GetTensorDataAsSpan<float>().CopyTo(h);
        outputs[2].GetTensorDataAsSpan<float>().CopyTo(c);
        return p;
    }

    public void Dispose()
    {
        _session.Dispose();
        _run.Dispose();
    }
}
