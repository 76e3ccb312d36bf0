using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Inference;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Export;

/// <summary>
/// What a device engineer needs beside an export, as one JSON document: the graph's inputs and outputs, frame geometry,
/// look-ahead, state layout, classes, the detector and its thresholds at false-alarm budgets (with the DET points they
/// came from), the data, parameters and licence. Written as `NAME.json` next to `NAME.onnx`, and every top-level key
/// also as a metadata_props entry (value = the key's JSON), so the .onnx alone carries it.
/// </summary>
public static class ModelCard
{
    /// <summary>2: the front end and model config inside the card are snake_case like the rest of it (1 had them in PascalCase).</summary>
    public const int Version = 2;

    /// <summary>Marks a card, so writing one never replaces some other JSON file of the same name.</summary>
    public const string VersionKey = "card_version";

    public const string ThresholdsKey = "thresholds";

    /// <summary>The sidecar of an export: the same path with .json instead of .onnx.</summary>
    public static string SidecarPath(string onnxPath) => Path.ChangeExtension(onnxPath, ".json");

    /// <summary>The run's evaluation, if `sal eval` wrote one.</summary>
    public static EvaluationSummary? LoadEvaluation(RunDirectory run)
    {
        var path = Path.Combine(run.Root, RunEvaluator.EvalFolder, "metrics.json");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return EvaluationSummary.Load(path);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    /// <param name="budgets">FA/h budgets to read thresholds at from the run's DET curve; null = the ones `sal eval` reported.</param>
    public static JsonObject Build(RunDirectory run, StreamingModel model, bool rawAudio, DetectorConfig detector, IReadOnlyList<double>? budgets, string licence)
    {
        var spec = run.ReadModelSpec();
        var frontEnd = run.LoadFrontEnd() ?? new FbankConfig();
        var evaluation = LoadEvaluation(run);
        var classes = LogitPosteriors.PositiveClasses(model.NumClasses);
        var labels = Enumerable.Range(0, classes).Select(k => PosteriorTraceCsv.Label(spec.Labels, k)).ToArray();
        // The raw-audio graph keeps the multi-frame layout (a call completes any number of frames); the features graph is single-frame.
        var shapes = rawAudio ? (model is StackedStreamingModel stacked ? stacked.StateShapes(1) : []) : OnnxExporter.StateShapes(model);
        var hopSeconds = (double)frontEnd.HopSamples / frontEnd.SampleRate;
        var card = new JsonObject
        {
            [VersionKey] = Version,
            ["graph"] = rawAudio ? OnnxMetadata.RawAudioGraph : OnnxMetadata.FeaturesGraph,
        };
        if (rawAudio)
        {
            card["inputs"] = new JsonArray(
                Io(OnnxMetadata.Audio, "float32", "[1, samples]",
                    $"mono {frontEnd.SampleRate} Hz samples in [-1, 1]; samples a whole multiple of {frontEnd.HopSamples} per call, any multiple"),
                Io("every *_in below", "see state", "see state", "the state of the stream: zeros at its start, then the matching *_out of the previous call"));
            card["outputs"] = new JsonArray(
                Io(OnnxMetadata.Posteriors, "float32", $"[1, frames, {classes}]",
                    $"{(model.NumClasses == 1 ? "sigmoid" : "softmax")} posteriors of the classes below, one row per frame completed by this call (0 to samples/{frontEnd.HopSamples} rows); rows of the first {model.LookAhead} frames of a stream are zeros (look-ahead warm-up)"),
                Io(OnnxMetadata.Score, "float32", $"[1, frames, {classes}]", $"the detector score: causal moving average of the posteriors over the last {detector.SmoothingFrames} frames (fewer at the start of a stream)"),
                Io(OnnxMetadata.Features, "float32", $"[1, frames, {frontEnd.MelBins}]", "log-mel filterbank of each frame before normalisation (for checking a port)"));
        }
        else
        {
            // The single-frame graph (format 2) has no frame axis; the multi-frame one takes any number of frames.
            var frames = model is StackedStreamingModel layers && SingleFrameGraph.Supports(layers) ? "" : "frames, ";
            card["inputs"] = new JsonArray(Io(OnnxMetadata.Input, "float32", $"[batch, {frames}{model.InputDim}]",
                "normalised log-mel frames: (fbank - metadata sal.normalizer mean) / std, front end in metadata sal.frontend"));
            card["outputs"] = new JsonArray(Io(OnnxMetadata.Output, "float32", $"[batch, {frames}{model.NumClasses}]",
                $"logits (apply {(model.NumClasses == 1 ? "a sigmoid" : "a softmax; class 0 is background")}), delayed by the look-ahead"));
        }

        card["frame"] = new JsonObject
        {
            ["sample_rate"] = frontEnd.SampleRate,
            ["window_samples"] = frontEnd.WindowSamples,
            ["hop_samples"] = frontEnd.HopSamples,
            ["hop_seconds"] = hopSeconds,
            ["frame_end_seconds"] = $"frame i ends at {(double)frontEnd.WindowSamples / frontEnd.SampleRate:0.###} + i * {hopSeconds:0.###} s of the stream (snip-edges: frame i covers samples [i*hop, i*hop + window))",
            ["front_end"] = JsonSerializer.SerializeToNode(frontEnd, CardJson.Options),
        };
        card["lookahead_frames"] = model.LookAhead;
        card["state"] = rawAudio
            ? JsonSerializer.SerializeToNode(RawAudioExporter.StateTensors(frontEnd, shapes, model.NumClasses, detector.SmoothingFrames), CardJson.Options)
            : new JsonArray(shapes.Select((s, i) => (JsonNode)new JsonObject
            {
                ["input"] = OnnxMetadata.StateIn(i), ["output"] = OnnxMetadata.StateOut(i),
                ["shape"] = new JsonArray(s.Select(d => (JsonNode)d).ToArray()), ["type"] = "float32",
            }).ToArray());
        card["classes"] = new JsonArray(labels.Select((l, k) => (JsonNode)new JsonObject { ["index"] = k, ["label"] = l }).ToArray());
        card["detector"] = new JsonObject
        {
            ["smoothing_frames"] = detector.SmoothingFrames,
            ["refractory_seconds"] = detector.RefractorySeconds,
            ["rule"] = "a detection of class k fires at frame i when score[i][k] >= threshold and no detection (of any class) fired in the refractory period before; it is stamped with frame i's end time",
        };
        card[ThresholdsKey] = Thresholds(evaluation, budgets);
        card["evaluation"] = evaluation is null
            ? "none: the run has no eval/metrics.json (run `sal eval`), so no thresholds"
            : new JsonObject
            {
                ["data"] = evaluation.Data, ["task"] = evaluation.Task.Name(), ["streams"] = evaluation.Result.AtThreshold.Streams,
                ["hours"] = evaluation.Result.AtThreshold.Hours, ["events"] = evaluation.Result.AtThreshold.Events,
                ["eer"] = double.IsFinite(evaluation.Result.Eer) ? evaluation.Result.Eer : null,
                ["match"] = $"a detection within [-{evaluation.Config.Match.BeforeSeconds:0.###}, +{evaluation.Config.Match.AfterSeconds:0.###}] s of an event's anchor is a hit",
            };
        card["data"] = run.ReadTrainingSummary() is { } training
            ? new JsonObject
            {
                ["task"] = training.Task.Name(), ["loss"] = training.Loss.Name(),
                ["train_clips"] = training.TrainClips, ["dev_clips"] = training.DevClips,
                ["epochs"] = training.EpochsDone, ["best_epoch"] = training.BestEpoch,
            }
            : "unknown: the run has no training.json";
        card["model"] = new JsonObject
        {
            ["config"] = JsonSerializer.SerializeToNode(model.Config, CardJson.Options),
            ["parameters"] = ModelInfo.Of(model).Parameters,
        };
        card["licence"] = licence;
        return card;
    }

    /// <summary>Each top-level key as a metadata entry (compact JSON), for ports that read metadata_props.</summary>
    public static Dictionary<string, string> Metadata(JsonObject card) =>
        card.ToDictionary(p => p.Key, p => p.Value?.ToJsonString() ?? "null");

    /// <summary>Writes the sidecar atomically; refuses to replace a JSON file that is not a card (a run's model.json, say).</summary>
    public static void Write(string path, JsonObject card)
    {
        CheckWritable(path);
        AtomicFile.WriteAllText(path, card.ToJsonString(CardJson.Indented) + "\n");
    }

    /// <summary>Throws when <paramref name="path"/> holds JSON that is not a card, so an export can refuse before writing anything.</summary>
    public static void CheckWritable(string path)
    {
        if (File.Exists(path))
        {
            JsonNode? existing = null;
            try
            {
                existing = JsonNode.Parse(File.ReadAllText(path));
            }
            catch (JsonException)
            {
            }

            if (existing is not JsonObject o || !o.ContainsKey(VersionKey))
            {
                throw new IOException($"{path}: exists and is not a model card; export under another name so it is not overwritten");
            }
        }
    }

    /// <summary>The threshold for a budget from a card's thresholds; fails listing the budgets it has.</summary>
    public static double ThresholdFor(JsonNode? thresholds, double faPerHour, string source)
    {
        var entries = thresholds as JsonArray ?? [];
        var budgets = new List<string>();
        foreach (var e in entries)
        {
            var budget = e?["fa_per_hour_budget"]?.GetValue<double>() ?? double.NaN;
            budgets.Add(budget.ToString(CultureInfo.InvariantCulture));
            if (Math.Abs(budget - faPerHour) < 1e-9)
            {
                return e?["threshold"]?.GetValue<double>()
                       ?? throw new InvalidDataException($"{source}: no threshold reaches {faPerHour} FA/h on the evaluation set (every threshold has more false alarms)");
            }
        }

        throw new InvalidDataException(budgets.Count == 0
            ? $"{source}: the model card has no thresholds (evaluate the run with `sal eval`, then export again), give --threshold"
            : $"{source}: the model card has thresholds for {string.Join(", ", budgets)} FA/h, not {faPerHour.ToString(CultureInfo.InvariantCulture)} (export with --fa-per-hour to add budgets), or give --threshold");
    }

    /// <summary>Thresholds from the run's DET curve (kept whole in metrics.json) at each budget.</summary>
    public static JsonArray Thresholds(EvaluationSummary? evaluation, IReadOnlyList<double>? budgets)
    {
        if (evaluation is null)
        {
            return [];
        }

        var points = budgets is null
            ? evaluation.Result.Targets.Select(t => (t.FaPerHourTarget, t.Point)).ToList()
            : budgets.Select(b => (b, DetectionEvaluator.BestUnder(evaluation.Result.Curve, b))).ToList();
        return new JsonArray(points.Select(x => (JsonNode)new JsonObject
        {
            ["fa_per_hour_budget"] = x.Item1,
            ["threshold"] = double.IsFinite(x.Item2.Threshold) ? x.Item2.Threshold : null,
            ["det_point"] = new JsonObject
            {
                ["threshold"] = double.IsFinite(x.Item2.Threshold) ? x.Item2.Threshold : null,
                ["frr"] = x.Item2.Frr, ["fa_per_hour"] = x.Item2.FaPerHour, ["false_alarms"] = x.Item2.FalseAlarms,
                ["hits"] = x.Item2.Hits, ["events"] = x.Item2.Events, ["hours"] = x.Item2.Hours,
                ["median_latency_seconds"] = double.IsFinite(x.Item2.Latency.Median) ? x.Item2.Latency.Median : null,
            },
        }).ToArray());
    }

    private static JsonObject Io(string name, string type, string shape, string meaning) =>
        new() { ["name"] = name, ["type"] = type, ["shape"] = shape, ["meaning"] = meaning };
}
