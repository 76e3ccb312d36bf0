using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using StreamingAnchor.Audio;
using StreamingAnchor.Inference;

namespace StreamingAnchor.Export;

/// <summary>
/// Runs a raw-audio export (<see cref="RawAudioExporter"/>) in ONNX Runtime with no libtorch: samples in, posteriors,
/// smoothed scores and log-mel features out, the state carried in plain arrays the caller owns (<see cref="RawAudioState"/>).
/// </summary>
public sealed class OnnxRawAudioModel : IDisposable
{
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly string[] inputNames;
    private readonly string[] outputNames;

    public OnnxRawAudioModel(string path, int intraOpThreads = 1)
    {
        Path = System.IO.Path.GetFullPath(path);
        session = OnnxSession.Open(Path, intraOpThreads);
        var meta = session.ModelMetadata.CustomMetadataMap;
        string Required(string key) => OnnxSession.Required(meta, key, Path, "sal export --raw-audio");
        if (Required(OnnxMetadata.Graph) != OnnxMetadata.RawAudioGraph)
        {
            throw new InvalidDataException($"{Path}: not a raw-audio export (its graph takes {meta[OnnxMetadata.Graph]})");
        }

        try
        {
            NumClasses = int.Parse(Required(OnnxMetadata.NumClasses));
            LookAhead = int.Parse(Required(OnnxMetadata.LookAhead));
            HopSamples = int.Parse(Required(OnnxMetadata.HopSamples));
            SmoothingFrames = int.Parse(Required(OnnxMetadata.SmoothingFrames));
            States = JsonSerializer.Deserialize<RawAudioStateTensor[]>(Required(OnnxMetadata.StateTensors), CardJson.Options) ?? [];
            FrontEnd = FbankConfig.FromJson(Required(OnnxMetadata.FrontEnd), Path);
            FrontEnd.Validate();
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            session.Dispose();
            throw new InvalidDataException($"{Path}: invalid raw-audio metadata ({e.Message})", e);
        }

        Labels = meta.TryGetValue(OnnxMetadata.Labels, out var labels) ? JsonSerializer.Deserialize<string[]>(labels) ?? [] : [];
        Metadata = meta;
        inputNames = [OnnxMetadata.Audio, .. States.Select(s => s.Input)];
        outputNames = [OnnxMetadata.Posteriors, OnnxMetadata.Score, OnnxMetadata.Features, .. States.Select(s => s.Output)];
    }

    public string Path { get; }

    public int NumClasses { get; }

    public int Classes => LogitPosteriors.PositiveClasses(NumClasses);

    public int LookAhead { get; }

    public int HopSamples { get; }

    public int SmoothingFrames { get; }

    public FbankConfig FrontEnd { get; }

    public IReadOnlyList<string> Labels { get; }

    public IReadOnlyList<RawAudioStateTensor> States { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public RawAudioState InitialState() => new(States);

    /// <summary>
    /// One call: <paramref name="samples"/> must be a whole number of hops. Returns the frames completed by them
    /// (posteriors and scores [n, Classes], features [n, mel bins]); updates the state.
    /// </summary>
    public RawAudioStep Step(float[] samples, RawAudioState state)
    {
        if (samples.Length == 0 || samples.Length % HopSamples != 0)
        {
            throw new ArgumentException($"{Path}: a call takes a positive whole number of {HopSamples}-sample hops, got {samples.Length} samples");
        }

        var inputs = new OrtValue[1 + States.Count];
        try
        {
            inputs[0] = OrtValue.CreateTensorValueFromMemory(samples, [1, samples.Length]);
            for (var i = 0; i < States.Count; i++)
            {
                inputs[1 + i] = i == state.PositionIndex
                    ? OrtValue.CreateTensorValueFromMemory(state.Position, States[i].Shape)
                    : OrtValue.CreateTensorValueFromMemory(state.Floats[i]!, States[i].Shape);
            }

            using var results = session.Run(runOptions, inputNames, inputs, outputNames);
            var step = new RawAudioStep(
                results[0].GetTensorDataAsSpan<float>().ToArray(),
                results[1].GetTensorDataAsSpan<float>().ToArray(),
                results[2].GetTensorDataAsSpan<float>().ToArray(),
                Classes);
            for (var i = 0; i < States.Count; i++)
            {
                if (i == state.PositionIndex)
                {
                    results[3 + i].GetTensorDataAsSpan<long>().CopyTo(state.Position);
                }
                else
                {
                    results[3 + i].GetTensorDataAsSpan<float>().CopyTo(state.Floats[i]);
                }
            }

            return step;
        }
        finally
        {
            foreach (var v in inputs)
            {
                v?.Dispose();
            }
        }
    }

    public void Dispose()
    {
        session.Dispose();
        runOptions.Dispose();
    }
}
