using Microsoft.ML.OnnxRuntime;

namespace StreamingAnchor.Evaluation.Peers;

/// <summary>
/// Silero VAD, recognised from its inputs (read from the model's metadata): v4 (<c>input</c> [1,512], <c>sr</c>,
/// LSTM states <c>h</c>/<c>c</c> [2,1,64]) or v5/v6 (<c>input</c> [1,64+512] = the previous window's last 64
/// samples then the new 512, <c>sr</c>, <c>state</c> [2,1,128]). Samples are in [-1,1] at 16 kHz.
/// </summary>
public sealed class SileroVadModel : IDisposable
{
    /// <summary>
    /// The rate this wrapper feeds the model (its <c>sr</c> input): Silero VAD's 512-sample windows are defined at
    /// 16 kHz, so this is the peer's own fixed rate, not our front end's (FbankConfig).
    /// </summary>
    public const int SampleRate = 16000;

    public const int WindowSamples = 512;

    /// <summary>Samples of the previous window that v5 and later prepend to each new one.</summary>
    public const int ContextSamples = 64;

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly RunOptions _run = new();
    private readonly long[] _sampleRate = [SampleRate];

    public SileroVadModel(string path, string? label = null)
    {
        _session = OnnxSessions.OpenSingleThreaded(path);
        var inputs = _session.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        // Output order in both files: probability, then the next state(s).
        _outputNames = _session.OutputMetadata.Keys.ToArray();
        if (inputs.SetEquals(["input", "sr", "h", "c"]) && _outputNames.Length == 3)
        {
            HasContext = false;
            _inputNames = ["input", "sr", "h", "c"];
        }
        else if (inputs.SetEquals(["input", "sr", "state"]) && _outputNames.Length == 2)
        {
            HasContext = true;
            _inputNames = ["input", "sr", "state"];
        }
        else
        {
            _session.Dispose();
            throw new PeerModelUnavailableException(
                $"{path}: not a Silero VAD model this project knows (inputs {string.Join(", ", inputs)}; outputs {string.Join(", ", _outputNames)})");
        }
        Name = label ?? Path.GetFileNameWithoutExtension(path);
        // The STFT basis is fixed signal processing, the counterpart of our parameter-free front end.
        Stats = OnnxModelStats.Measure(path, "forward_basis_buffer");
    }

    /// <summary>Silero VAD <paramref name="version"/> (4 from the openWakeWord package, 5 or 6 from @ricky0123/vad-web).</summary>
    public static SileroVadModel FromCache(PeerModelCache cache, int version = 5, IProgress<string>? progress = null) => version switch
    {
        4 => new SileroVadModel(cache.OpenWakeWordModel("silero_vad.onnx", progress), "silero v4"),
        5 or 6 => new SileroVadModel(Path.Combine(cache.SileroModels(progress), $"silero_vad_v{version}.onnx"), $"silero v{version}"),
        _ => throw new ArgumentException($"Silero VAD versions 4, 5 and 6 are available, not {version}"),
    };

    public string Name { get; }

    /// <summary>True for v5 and later (64 samples of context and one merged state).</summary>
    public bool HasContext { get; }

    public OnnxModelStats Stats { get; }

    /// <summary>Fresh streaming state: zeros (and, from v5, zero context).</summary>
    public float[] InitialState() => new float[2 * 2 * 64 + (HasContext ? ContextSamples : 0)];

    /// <summary>One step: speech probability of <paramref name="window"/> (512 samples), updating <paramref name="state"/> in place.</summary>
    public float Step(float[] window, float[] state)
    {
        if (window.Length != WindowSamples)
        {
            throw new ArgumentException($"Silero consumes {WindowSamples}-sample windows, got {window.Length}", nameof(window));
        }
        using var sr = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _sampleRate.AsMemory(), []);
        if (!HasContext)
        {
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, window.AsMemory(), [1, WindowSamples]);
            using var h = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, state.AsMemory(0, 128), [2, 1, 64]);
            using var c = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, state.AsMemory(128, 128), [2, 1, 64]);
            using var outputs = _session.Run(_run, _inputNames, [input, sr, h, c], _outputNames);
            outputs[1].GetTensorDataAsSpan<float>().CopyTo(state.AsSpan(0, 128));
            outputs[2].GetTensorDataAsSpan<float>().CopyTo(state.AsSpan(128, 128));
            return outputs[0].GetTensorDataAsSpan<float>()[0];
        }
        var x = new float[ContextSamples + WindowSamples];
        state.AsSpan(256, ContextSamples).CopyTo(x);
        window.CopyTo(x, ContextSamples);
        using var inputWithContext = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, x.AsMemory(), [1, x.Length]);
        using var s = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, state.AsMemory(0, 256), [2, 1, 128]);
        using var results = _session.Run(_run, _inputNames, [inputWithContext, sr, s], _outputNames);
        results[1].GetTensorDataAsSpan<float>().CopyTo(state.AsSpan(0, 256));
        window.AsSpan(WindowSamples - ContextSamples).CopyTo(state.AsSpan(256, ContextSamples));
        return results[0].GetTensorDataAsSpan<float>()[0];
    }

    public void Dispose()
    {
        _session.Dispose();
        _run.Dispose();
    }
}
