using System.Text.Json.Nodes;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Models;

namespace StreamingAnchor.Export;

/// <summary>
/// `sal export` as one library call, shared by the command and `sal recipe`: the run's ONNX graph (log-mel frames in,
/// or raw audio in) with its model card beside it and in its metadata, the thresholds read from the run's evaluation.
/// </summary>
public static class RunExport
{
    /// <param name="budgets">FA/h budgets for the card's thresholds; null: the ones `sal eval` reported.</param>
    public static RunExportResult Write(RunDirectory run, string onnxPath, bool rawAudio, IReadOnlyList<double>? budgets, string licence)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!Directory.Exists(run.Root))
        {
            throw new DirectoryNotFoundException($"{run.Root}: run directory not found");
        }
        var cardPath = ModelCard.SidecarPath(onnxPath);
        if (Path.GetFullPath(cardPath) == Path.GetFullPath(run.PathOf(RunDirectory.ModelFile)))
        {
            throw new ArgumentException($"export: {cardPath} is the run's own model.json; write the .onnx under another name or folder");
        }
        // Refused before the graph is written, so a failed export leaves nothing half-replaced.
        ModelCard.CheckWritable(cardPath);
        var evaluation = ModelCard.LoadEvaluation(run);
        var detector = evaluation?.Config.Detector ?? new DetectorConfig();
        using var model = run.LoadModel();
        var card = ModelCard.Build(run, model, rawAudio, detector, budgets, licence);
        var metadata = ModelCard.Metadata(card);
        if (rawAudio)
        {
            RawAudioExporter.ExportRun(run, onnxPath, detector.SmoothingFrames, metadata);
        }
        else
        {
            OnnxExporter.ExportRun(run, onnxPath, metadata);
        }
        ModelCard.Write(cardPath, card);
        return new RunExportResult(onnxPath, cardPath, card, evaluation, detector);
    }
}

/// <summary>What <see cref="RunExport.Write"/> wrote: the graph, its card (path and document), and the evaluation and detector it used.</summary>
public sealed record RunExportResult(string OnnxPath, string CardPath, JsonObject Card, EvaluationSummary? Evaluation, DetectorConfig Detector);
