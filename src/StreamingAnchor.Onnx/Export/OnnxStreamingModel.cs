using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Export;

/// <summary>
/// Runs an exported streaming step in ONNX Runtime, one stream (batch 1) at a time, with no libtorch involved:
/// everything it needs (input width, classes, look-ahead, state shapes, normaliser, front end) is in the file's metadata.
/// </summary>
public sealed class OnnxStreamingModel : IDisposable
{
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly string[] inputNames;
    private readonly string[] outputNames;
    private readonly long[][] stateShapes;

    public OnnxStreamingModel(string path, int intraOpThreads = 1)
    {
        Path = System.IO.Path.GetFullPath(path);
        session = OnnxSession.Open(Path, intraOpThreads);
        var meta = session.ModelMetadata.CustomMetadataMap;
        string Required(string key) => OnnxSession.Required(meta, key, Path, "sal export");
        var version = int.Parse(Required(OnnxMetadata.FormatVersion));
        if (version > OnnxMetadata.FeaturesGraphFormatVersion)
        {
            throw new InvalidDataException($"{Path}: export format version {version} is newer than this sal understands ({OnnxMetadata.FeaturesGraphFormatVersion})");
        }

        InputDim = int.Parse(Required(OnnxMetadata.InputDim));
        NumClasses = int.Parse(Required(OnnxMetadata.NumClasses));
        LookAhead = int.Parse(Required(OnnxMetadata.LookAhead));
        stateShapes = JsonSerializer.Deserialize<long[][]>(Required(OnnxMetadata.StateShapes)) ?? [];
        Labels = meta.TryGetValue(OnnxMetadata.Labels, out var labels) ? JsonSerializer.Deserialize<string[]>(labels) ?? [] : [];
        NormalizerJson = meta.GetValueOrDefault(OnnxMetadata.Normalizer);
        FrontEndJson = meta.GetValueOrDefault(OnnxMetadata.FrontEnd);
        ModelJson = meta.GetValueOrDefault(OnnxMetadata.ModelJson);
        SingleFrame = meta.GetValueOrDefault(OnnxMetadata.FramesPerCall) == "1";
        inputNames = [OnnxMetadata.Input, .. Enumerable.Range(0, stateShapes.Length).Select(OnnxMetadata.StateIn)];
        outputNames = [OnnxMetadata.Output, .. Enumerable.Range(0, stateShapes.Length).Select(OnnxMetadata.StateOut)];
    }

    public string Path { get; }

    public int InputDim { get; }

    public int NumClasses { get; }

    /// <summary>Outputs lag the input by this many frames, as in StreamingModel.Step.</summary>
    public int LookAhead { get; }

    public IReadOnlyList<string> Labels { get; }

    /// <summary>The run's normalizer.json, if the export carried one.</summary>
    public string? NormalizerJson { get; }

    /// <summary>The run's frontend.json, if the export carried one.</summary>
    public string? FrontEndJson { get; }

    public string? ModelJson { get; }

    /// <summary>The graph takes one frame per call; <see cref="Step"/> feeds longer chunks frame by frame.</summary>
    public bool SingleFrame { get; }

    /// <summary>The front-end config carried in the metadata; fails naming the file when it is absent or invalid.</summary>
    public FbankConfig FrontEnd()
    {
        if (FrontEndJson is null)
        {
            throw new InvalidDataException($"{Path}: no front-end config in the metadata (export it from a run that has frontend.json)");
        }

        try
        {
            var config = FbankConfig.FromJson(FrontEndJson);
            config.Validate();
            return config;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"{Path}: invalid front-end config in the metadata ({e.Message})", e);
        }
    }

    /// <summary>The feature normaliser carried in the metadata; fails naming the file when it is absent or invalid.</summary>
    public FeatureNormalizer Normalizer()
    {
        if (NormalizerJson is null)
        {
            throw new InvalidDataException($"{Path}: no normaliser in the metadata (export it from a run that has normalizer.json)");
        }

        try
        {
            var node = JsonNode.Parse(NormalizerJson, new JsonNodeOptions { PropertyNameCaseInsensitive = true });
            var mean = node?["mean"]?.AsArray().Select(v => v!.GetValue<float>()).ToArray() ?? [];
            var std = node?["std"]?.AsArray().Select(v => v!.GetValue<float>()).ToArray() ?? [];
            return new FeatureNormalizer(mean, std);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{Path}: invalid normaliser in the metadata ({e.Message})", e);
        }
    }

    public IReadOnlyList<long[]> StateShapes => stateShapes;

    public OnnxStreamState InitialState() => new(stateShapes, InputDim, NumClasses, frameAxis: !SingleFrame);

    /// <summary>
    /// Feeds n frames (row-major [n, InputDim]) and returns n rows of logits [n, NumClasses]; updates the state in place.
    /// </summary>
    public float[] Step(float[] frames, OnnxStreamState state)
    {
        if (frames.Length == 0 || frames.Length % InputDim != 0)
        {
            throw new ArgumentException($"{frames.Length} values do not form frames of {InputDim} features");
        }

        var n = frames.Length / InputDim;
        if (n == 1)
        {
            return state.RunFrame(session, runOptions, frames, inputNames, outputNames).ToArray();
        }

        if (SingleFrame)
        {
            var rows = new float[n * NumClasses];
            for (var t = 0; t < n; t++)
            {
                state.RunFrame(session, runOptions, frames.AsSpan(t * InputDim, InputDim), inputNames, outputNames).CopyTo(rows, t * NumClasses);
            }

            return rows;
        }

        using var input = OrtValue.CreateTensorValueFromMemory(frames, [1, n, InputDim]);
        var inputs = new OrtValue[1 + state.Values.Length];
        inputs[0] = input;
        state.Values.CopyTo(inputs, 1);
        using var results = session.Run(runOptions, inputNames, inputs, outputNames);
        var logits = results[0].GetTensorDataAsSpan<float>().ToArray();
        var next = state.NextBuffers;
        for (var i = 0; i < next.Length; i++)
        {
            results[1 + i].GetTensorDataAsSpan<float>().CopyTo(next[i]);
        }

        state.Current = 1 - state.Current;
        state.FramesSeen += n;
        return logits;
    }

    public void Dispose()
    {
        session.Dispose();
        runOptions.Dispose();
    }
}
