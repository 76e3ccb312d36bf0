using System.CommandLine;
using System.Globalization;
using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Export;
using StreamingAnchor.Models;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal export --run RUN --onnx model.onnx [--raw-audio] [--vectors --vectors-wav clip.wav]`: the streaming step (or the
/// whole device loop from raw samples) as a standalone ONNX graph, with its model card beside it (model.json) and in
/// its metadata, and optionally conformance vectors.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run directory to export", Required = true };
        var onnx = new Option<string>("--onnx") { Description = "ONNX file to write; the model card goes beside it as NAME.json", Required = true };
        var raw = new Option<bool>("--raw-audio") { Description = "Samples in (16 kHz float, any multiple of the hop per call): fbank, CMVN, model, posteriors and the smoothed score inside the graph" };
        var budgets = new Option<string?>("--fa-per-hour") { Description = "False alarms per hour to read thresholds at from the run's DET curve (eval/metrics.json), e.g. 0.5,1,5; default: the budgets `sal eval` reported" };
        var licence = new Option<string>("--licence") { Description = "Licence of the model, recorded in the card", DefaultValueFactory = _ => "unstated (the exporter gave no --licence)" };
        var vectors = new Option<bool>("--vectors") { Description = "Also write NAME.vectors.wav and NAME.vectors.json (expected features, posteriors, scores, detections) for checking a port" };
        var vectorsWav = new Option<string?>("--vectors-wav") { Description = "Audio for the vectors (first 5 s kept); default: the first clip of the run's evaluation data" };
        var command = new Command("export", "Export a run to ONNX (features in, or --raw-audio samples in) with its model card and optional conformance vectors");
        foreach (var option in new Option[] { run, onnx, raw, budgets, licence, vectors, vectorsWav })
        {
            command.Options.Add(option);
        }

        CommandAction.Set(command, parse =>
        {
            var runPath = parse.GetValue(run)!;
            var onnxPath = parse.GetValue(onnx)!;
            var rawAudio = parse.GetValue(raw);
            if (parse.GetValue(vectorsWav) is not null && !parse.GetValue(vectors))
            {
                throw new UsageException("export: --vectors-wav goes with --vectors");
            }

            var chosen = FaPerHourBudgets.Parse(parse.GetValue(budgets));
            var directory = new RunDirectory(runPath);
            var exported = RunExport.Write(directory, onnxPath, rawAudio, chosen, parse.GetValue(licence)!);
            var document = exported.Card;
            var card = exported.CardPath;
            if (rawAudio)
            {
                using var check = new OnnxRawAudioModel(onnxPath);
                Console.WriteLine($"wrote {onnxPath} (raw audio): samples in by multiples of {check.HopSamples}, {check.Classes} posterior(s) and score(s) per frame out, " +
                                  $"look-ahead {check.LookAhead}, smoothing {check.SmoothingFrames} frames, {check.States.Count} state tensors");
            }
            else
            {
                using var check = new OnnxStreamingModel(onnxPath);
                Console.WriteLine($"wrote {onnxPath}: {check.InputDim} inputs, {check.NumClasses} outputs, {(check.SingleFrame ? "one frame per call" : "any frames per call")}, look-ahead {check.LookAhead}, " +
                                  $"{check.StateShapes.Count} state tensors ({check.StateShapes.Sum(s => s.Aggregate(1L, (a, b) => a * b))} floats)" +
                                  (check.FrontEndJson is null || check.NormalizerJson is null ? "; warning: no front end or normaliser in the run, sal stream --onnx will refuse it" : ""));
            }

            var thresholds = document[ModelCard.ThresholdsKey]!.AsArray().Count;
            Console.WriteLine($"wrote {card}: model card, {(thresholds == 0 ? "no thresholds (the run has no eval/metrics.json)" : $"thresholds at {thresholds} FA/h budget(s)")}");
            if (parse.GetValue(vectors))
            {
                using var model = directory.LoadModel();
                WriteVectors(directory, model, onnxPath, parse.GetValue(vectorsWav), exported.Evaluation, exported.Detector, document);
            }

            return 0;
        });
        return command;
    }

    private static void WriteVectors(RunDirectory run, StreamingModel model, string onnxPath, string? wav, EvaluationSummary? evaluation, DetectorConfig detector,
        System.Text.Json.Nodes.JsonObject card)
    {
        var frontEnd = run.LoadFrontEnd() ?? throw new FileNotFoundException($"{run.PathOf(RunDirectory.FrontEndFile)}: not found (vectors need the run's front end)");
        var normalizer = run.LoadNormalizer() ?? throw new FileNotFoundException($"{run.PathOf(RunDirectory.NormalizerFile)}: not found (vectors need the run's normaliser)");
        wav ??= FirstEvaluationClip(evaluation) ?? throw new UsageException("export: --vectors needs --vectors-wav (the run has no evaluation data to take a clip from)");
        // The vectors' detections use the card's first threshold, so a port checks the operating point it will ship with.
        var threshold = card[ModelCard.ThresholdsKey]!.AsArray().Select(t => t?["threshold"]?.GetValue<double>()).FirstOrDefault(t => t is not null) ?? detector.Threshold;
        using var scorer = new TorchStreamingScorer(model);
        var document = ConformanceVectors.Write(onnxPath, WavFile.Read(wav, frontEnd.SampleRate).Samples, scorer, frontEnd, normalizer, detector with { Threshold = threshold });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {ConformanceVectors.JsonPath(onnxPath)} and {ConformanceVectors.WavPath(onnxPath)}: {document["frames"]} frames from {wav}, {document["detections"]!.AsArray().Count} detection(s) at threshold {EvaluationSummary.Threshold(threshold)}"));
    }

    private static string? FirstEvaluationClip(EvaluationSummary? evaluation)
    {
        if (evaluation is null || !File.Exists(evaluation.Data))
        {
            return null;
        }

        var manifest = StreamingAnchor.Data.Manifest.Load(evaluation.Data);
        return manifest.Split("test").Concat(manifest.Entries).Select(e => manifest.Resolve(e.Audio)).FirstOrDefault(File.Exists);
    }
}
