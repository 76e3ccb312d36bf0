using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Export;
using StreamingAnchor.Inference;
using StreamingAnchor.Models;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// What `sal stream` and `sal detect` run: a run folder (TorchSharp), a features ONNX export or a raw-audio ONNX export,
/// as one <see cref="IAudioScorer"/> with its frame geometry, labels and model card. Opening an .onnx never touches libtorch.
/// </summary>
internal sealed record ModelSource(IAudioScorer Scorer, FbankConfig FrontEnd, IReadOnlyList<string> Labels, JsonNode? Thresholds,
    DetectorConfig? Detector, string Name, IDisposable Parts) : IDisposable
{
    public void Dispose() => Parts.Dispose();

    public static ModelSource Open(string path)
    {
        if (Directory.Exists(path))
        {
            return OpenRun(path);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: neither a run folder nor an .onnx file", path);
        }

        return OnnxMetadata.IsRawAudio(path) ? OpenRawAudio(path) : OpenFeatures(path);
    }

    private static ModelSource OpenRawAudio(string path)
    {
        var model = new OnnxRawAudioModel(path);
        var scorer = new OnnxRawAudioScorer(model);
        var detector = new DetectorConfig
        {
            SmoothingFrames = model.SmoothingFrames,
            RefractorySeconds = CardRefractory(model.Metadata) ?? new DetectorConfig().RefractorySeconds,
        };
        return new ModelSource(scorer, model.FrontEnd, model.Labels, CardThresholds(model.Metadata, path), detector, path, new Owner(scorer, model));
    }

    private static ModelSource OpenFeatures(string path)
    {
        var model = new OnnxStreamingModel(path);
        try
        {
            var scorer = new OnnxStreamingScorer(model);
            var frontEnd = model.FrontEnd();
            var audio = new FrameAudioScorer(scorer, frontEnd, model.Normalizer());
            var meta = OnnxMetadata.Read(path);
            var detector = meta.ContainsKey("detector") ? DetectorFromCard(meta) : null;
            return new ModelSource(audio, frontEnd, model.Labels, CardThresholds(meta, path), detector, path, new Owner(audio, scorer, model));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static DetectorConfig DetectorFromCard(IReadOnlyDictionary<string, string> meta)
    {
        var node = JsonNode.Parse(meta["detector"]);
        return new DetectorConfig
        {
            SmoothingFrames = node?["smoothing_frames"]?.GetValue<int>() ?? new DetectorConfig().SmoothingFrames,
            RefractorySeconds = node?["refractory_seconds"]?.GetValue<double>() ?? new DetectorConfig().RefractorySeconds,
        };
    }

    private static double? CardRefractory(IReadOnlyDictionary<string, string> meta) =>
        meta.TryGetValue("detector", out var d) ? JsonNode.Parse(d)?["refractory_seconds"]?.GetValue<double>() : null;

    /// <summary>The card's thresholds: the sidecar's if present (it may list more budgets), else the metadata's.</summary>
    private static JsonNode? CardThresholds(IReadOnlyDictionary<string, string> meta, string path)
    {
        var sidecar = ModelCard.SidecarPath(path);
        try
        {
            if (File.Exists(sidecar) && JsonNode.Parse(File.ReadAllText(sidecar)) is JsonObject card && card.ContainsKey(ModelCard.VersionKey))
            {
                return card[ModelCard.ThresholdsKey];
            }
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{sidecar}: the model card is not valid JSON ({e.Message})", e);
        }

        try
        {
            return meta.TryGetValue(ModelCard.ThresholdsKey, out var t) ? JsonNode.Parse(t) : null;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{path}: the model card in the metadata is not valid JSON ({e.Message})", e);
        }
    }

    // Kept out of line so the ONNX path never JIT-compiles code that references TorchSharp types.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ModelSource OpenRun(string path) => TorchSource.Open(path);

    private sealed class Owner(params IDisposable[] parts) : IDisposable
    {
        public void Dispose()
        {
            foreach (var p in parts)
            {
                p.Dispose();
            }
        }
    }

    private static class TorchSource
    {
        public static ModelSource Open(string path)
        {
            var opened = RunScorer.Open(path);
            try
            {
                var evaluation = ModelCard.LoadEvaluation(opened.Run);
                return new ModelSource(opened.Audio, opened.FrontEnd, opened.Spec.Labels, ModelCard.Thresholds(evaluation, null),
                    evaluation?.Config.Detector, path, opened);
            }
            catch
            {
                opened.Dispose();
                throw;
            }
        }
    }
}
