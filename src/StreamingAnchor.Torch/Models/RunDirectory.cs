using System.Text.Json;
using System.Text.Json.Nodes;
using StreamingAnchor.Audio;
using TorchSharp;

namespace StreamingAnchor.Models;

/// <summary>
/// A run folder, loadable from the folder alone: model.json (config, input width, classes, format version),
/// weights.dat (TorchSharp state dict), normalizer.json and frontend.json (feature statistics and front-end
/// config of the data the model was trained on) and training.json (summary written by training).
/// Every file is written atomically, so a crash leaves the previous version in place.
/// </summary>
public sealed class RunDirectory
{
    /// <summary>Version written by this code; older versions it can still read are listed in ReadModelSpec.</summary>
    public const int CurrentFormatVersion = 1;

    public const string ModelFile = "model.json";
    public const string WeightsFile = "weights.dat";
    public const string NormalizerFile = "normalizer.json";
    public const string FrontEndFile = "frontend.json";
    public const string TrainingSummaryFile = "training.json";

    public RunDirectory(string path)
    {
        Root = System.IO.Path.GetFullPath(path);
    }

    public string Root { get; }

    public string PathOf(string file) => System.IO.Path.Combine(Root, file);

    /// <summary>Writes model.json and the weights of <paramref name="model"/>.</summary>
    public void SaveModel(StreamingModel model, IReadOnlyList<string>? labels = null)
    {
        Directory.CreateDirectory(Root);
        AtomicFile.Write(PathOf(WeightsFile), tmp => model.save(tmp));
        var spec = new RunModelSpec(CurrentFormatVersion, model.Config, model.InputDim, model.NumClasses, labels ?? []);
        AtomicFile.WriteAllText(PathOf(ModelFile), JsonSerializer.Serialize(spec, ProjectJson.Options));
    }

    /// <summary>Reads model.json; a missing, corrupt or unsupported file fails with a message naming it.</summary>
    public RunModelSpec ReadModelSpec()
    {
        var path = PathOf(ModelFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: not found (is {Root} a run directory?)", path);
        }

        var text = File.ReadAllText(path);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }

        var version = node?["formatVersion"]?.GetValueKind() == JsonValueKind.Number ? node["formatVersion"]!.GetValue<int>() : 0;
        if (version < 1)
        {
            throw new InvalidDataException($"{path}: no formatVersion; this is not a model.json written by sal");
        }

        if (version > CurrentFormatVersion)
        {
            throw new InvalidDataException(
                $"{path}: format version {version} is newer than this sal understands ({CurrentFormatVersion}); update sal to load it");
        }

        // Early version-1 files may lack labels; everything else must be exactly the fields this version writes.
        if (node is JsonObject o && !o.ContainsKey("labels"))
        {
            o["labels"] = new JsonArray();
            text = o.ToJsonString(ProjectJson.Options);
        }
        RunModelSpec? spec;
        try
        {
            spec = StrictJson.Deserialize<RunModelSpec>(text, ProjectJson.Strict, path, "model.json");
        }
        catch (FormatException e)
        {
            throw new InvalidDataException(e.Message, e);
        }

        if (spec?.Model is null || spec.InputDim < 1 || spec.NumClasses < 1)
        {
            throw new InvalidDataException($"{path}: missing model config, input width or number of classes");
        }

        return spec with { Labels = spec.Labels ?? [] };
    }

    /// <summary>Rebuilds the model from model.json and loads its weights, in eval mode.</summary>
    public StreamingModel LoadModel()
    {
        var spec = ReadModelSpec();
        StreamingModel model;
        try
        {
            model = ModelFactory.Create(spec.Model, spec.InputDim, spec.NumClasses);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{PathOf(ModelFile)}: {e.Message}", e);
        }

        var weights = PathOf(WeightsFile);
        if (!File.Exists(weights))
        {
            model.Dispose();
            throw new FileNotFoundException($"{weights}: not found", weights);
        }

        try
        {
            model.load(weights, strict: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            throw new InvalidDataException($"{weights}: cannot load the weights of a {spec.Model.Family.Name()}/{spec.Model.Preset.Name()} model ({ErrorText.OneLine(e.Message)})", e);
        }

        model.eval();
        return model;
    }

    /// <summary>Feature normalisation statistics of the training data.</summary>
    public void SaveNormalizer(FeatureNormalizer normalizer) => normalizer.Save(PathOf(NormalizerFile));

    /// <summary>The run's normaliser, or null when it has none; a corrupt file fails naming it.</summary>
    public FeatureNormalizer? LoadNormalizer() => File.Exists(PathOf(NormalizerFile)) ? FeatureNormalizer.Load(PathOf(NormalizerFile)) : null;

    /// <summary>Front-end (filterbank) configuration the features were computed with.</summary>
    public void SaveFrontEnd(FbankConfig config) => config.Save(PathOf(FrontEndFile));

    /// <summary>The run's front-end config, or null when it has none; a corrupt file fails naming it.</summary>
    public FbankConfig? LoadFrontEnd() => File.Exists(PathOf(FrontEndFile)) ? FbankConfig.Load(PathOf(FrontEndFile)) : null;

    /// <summary>Training summary written by the training loop.</summary>
    public void SaveTrainingSummary(TrainingSummary summary) =>
        AtomicFile.WriteAllText(PathOf(TrainingSummaryFile), JsonSerializer.Serialize(summary, ProjectJson.Options));

    /// <summary>The run's training.json, or null when it has none; a corrupt file fails naming it and the field.</summary>
    public TrainingSummary? ReadTrainingSummary()
    {
        var path = PathOf(TrainingSummaryFile);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return StrictJson.Deserialize<TrainingSummary>(File.ReadAllText(path), ProjectJson.Strict, path, "training summary");
        }
        catch (FormatException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    /// <summary>The extra streams the run was trained with (training.json), in feature order; empty for audio-only runs.</summary>
    public IReadOnlyList<string> StreamNames() => ReadTrainingSummary()?.Streams ?? [];
}
