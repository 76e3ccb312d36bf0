using System.Globalization;
using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Inference;
using StreamingAnchor.Models;

namespace StreamingAnchor.Training;

/// <summary>
/// `sal eval`: runs a trained model over each test clip the way a device would (audio pushed in 100 ms chunks through
/// the device loop, Inference/StreamingPipeline: the streaming front end and the model's Step with its carried state), then evaluates the posterior traces and
/// writes eval/metrics.json, report.md, det.png, latency.png and trace.png into the run folder.
/// </summary>
public static class RunEvaluator
{
    public const string EvalFolder = "eval";

    /// <summary>Samples per pushed chunk: 100 ms, a typical device audio buffer.</summary>
    public const int ChunkSamples = StreamingPipeline.DeviceChunkSamples;

    /// <param name="outputFolder">Where the metrics, report and figures go (null: the run's own eval/); a run that
    /// must stay as shipped, such as the committed models/ folder `sal demo` evaluates, is written elsewhere.</param>
    /// <param name="weights">Which weights to stream: a checkpoint's are evaluated without touching weights.dat.</param>
    public static EvaluationSummary Evaluate(string runPath, string manifestPath, string split = "test", string? name = null,
        EvaluationConfig? config = null, IProgress<(int Done, int Total)>? progress = null, string? outputFolder = null,
        RunWeights weights = RunWeights.Shipped)
    {
        var scored = Score(runPath, manifestPath, split, progress, weights: weights);
        return Evaluate(scored, manifestPath, name ?? NameOf(runPath, weights), config,
            outputFolder ?? Path.Combine(new RunDirectory(runPath).Root, EvalFolderOf(weights)));
    }

    /// <summary>
    /// `sal eval --run A --run B ...`: the runs as one detector averaging their posteriors frame by frame
    /// (<see cref="RunTraces.Ensemble"/>), evaluated like a single run and written to <paramref name="outputFolder"/>
    /// (an ensemble has no run folder of its own). Each member streams the split in turn; progress counts all of them.
    /// </summary>
    public static EvaluationSummary EvaluateEnsemble(IReadOnlyList<string> runPaths, string manifestPath, string outputFolder,
        string split = "test", string? name = null, EvaluationConfig? config = null, IProgress<(int Done, int Total)>? progress = null,
        RunWeights weights = RunWeights.Shipped)
    {
        if (runPaths.Count < 2)
        {
            throw new ArgumentException($"an ensemble needs two or more runs, got {runPaths.Count}");
        }
        var members = new List<RunTraces>(runPaths.Count);
        foreach (var (path, k) in runPaths.Select((p, k) => (p, k)))
        {
            var offset = k;
            members.Add(Score(path, manifestPath, split, progress is null ? null
                : new Relay<(int Done, int Total)>(p => progress.Report(((offset * p.Total) + p.Done, runPaths.Count * p.Total))), weights: weights));
        }
        return Evaluate(RunTraces.Ensemble(members), manifestPath, name ?? string.Join(" + ", runPaths.Select(p => NameOf(p, weights))), config, outputFolder);
    }

    private static EvaluationSummary Evaluate(RunTraces scored, string manifestPath, string name, EvaluationConfig? config, string outputFolder)
    {
        // The detector stamps frames on the run's grid, whatever evaluation settings were passed.
        config = (config ?? EvaluationConfig.ForTask(scored.Task)).On(scored.Clock);
        var result = DetectionEvaluator.Run(scored.Traces, config);
        var summary = new EvaluationSummary(name, scored.Task, manifestPath, config, result);
        Write(outputFolder, summary, scored.Traces);
        return summary;
    }

    /// <summary>
    /// The run's posterior traces over a manifest split, streamed through the device loop (Inference/StreamingPipeline,
    /// the one `sal stream` runs) without writing anything; with the model's size and the CPU time this thread spent in
    /// the front end, the model and the detector (not in reading WAV files).
    /// </summary>
    /// <param name="limit">Only the first N streams of the split (null: all).</param>
    /// <param name="weights">weights.dat, or the model part of one of the run's checkpoints.</param>
    public static RunTraces Score(string runPath, string manifestPath, string split = "test", IProgress<(int Done, int Total)>? progress = null,
        int? limit = null, RunWeights weights = RunWeights.Shipped)
    {
        // The same checks as `sal data check` and `sal train`: a bad manifest is refused before the model is even loaded.
        var manifest = ManifestChecker.LoadValid(manifestPath);
        var entries = manifest.Split(split);
        if (entries.Count == 0)
        {
            throw new FormatException($"{manifestPath}: no clips in the {split} split");
        }
        if (limit is { } n)
        {
            entries = entries.Take(n).ToList();
        }
        using var opened = RunScorer.Open(runPath);
        if (CheckpointOf(weights) is { } checkpoint)
        {
            Checkpoint.Load(opened.Run.PathOf(checkpoint), opened.Model);
        }
        var task = TaskOf(opened.Run);
        var pipeline = opened.Pipeline(new DetectorConfig());
        var clock = FrameClock.Of(pipeline.FrontEnd);
        var rule = TrainingRun.RuleOf(task, opened.Spec.Labels, clock);
        var streamNames = pipeline.StreamNames;
        var sampleRate = pipeline.FrontEnd.SampleRate;
        var traces = new List<PosteriorTrace>(entries.Count);
        double audioSeconds = 0, streamSeconds = 0;
        var warmUpStreams = streamNames.Count == 0 ? [] : FeatureDataset.ReadStreams(manifest, entries[0], streamNames);
        pipeline.Run(new float[sampleRate / 2], ChunkSamples, warmUpStreams); // untimed warm-up: first-call costs are not per-frame costs
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            TaskRule.CheckAnchors(entry, manifest.Path);
            var clip = ReadClip(manifest, entry, sampleRate);
            var streams = streamNames.Count == 0 ? [] : FeatureDataset.ReadStreams(manifest, entry, streamNames);
            var start = ThreadCpuClock.Now(); // this thread's CPU time: other load on the machine does not count
            var streamed = pipeline.Run(clip.Samples, ChunkSamples, streams);
            streamSeconds += ThreadCpuClock.Now() - start;
            audioSeconds += clip.DurationSeconds;
            var labels = rule.Apply(entry, streamed.Frames);
            // Hours of audio (the FA/h denominator) come from the decoded samples, never from the manifest's claim.
            traces.Add(new PosteriorTrace(entry.Id, streamed.Posteriors, streamed.Classes, clip.DurationSeconds, labels.Events,
                labels.Targets.Select(t => (int)t).ToArray()) { NearMisses = NearMissSpan.Of(entry, manifest.Path), Conditions = StreamConditions.Of(entry) });
            progress?.Report((i + 1, entries.Count));
        }
        var parameters = opened.Model.parameters().Sum(p => p.numel());
        var weightsFile = opened.Run.PathOf(RunDirectory.WeightsFile);
        return new RunTraces(task, traces, parameters, File.Exists(weightsFile) ? new FileInfo(weightsFile).Length : 0,
            audioSeconds, streamSeconds) { Clock = clock };
    }

    /// <summary>
    /// The run's evaluation folder for <paramref name="weights"/>: eval/ for weights.dat, eval-best/ or eval-last/ for a
    /// checkpoint, so another epoch's evaluation never replaces the one reports and model cards read.
    /// </summary>
    public static string EvalFolderOf(RunWeights weights) => weights == RunWeights.Shipped ? EvalFolder : $"{EvalFolder}-{weights.Name()}";

    /// <summary>A run's name in reports: its folder's name, and which checkpoint when not weights.dat.</summary>
    public static string NameOf(string runPath, RunWeights weights = RunWeights.Shipped)
    {
        var folder = Path.GetFileName(new RunDirectory(runPath).Root.TrimEnd('/'));
        return weights == RunWeights.Shipped ? folder : $"{folder} ({weights.Name()} checkpoint)";
    }

    /// <summary>The checkpoint (relative to the run folder) holding <paramref name="weights"/>; null for weights.dat.</summary>
    public static string? CheckpointOf(RunWeights weights) => weights switch
    {
        RunWeights.Best => Trainer.BestCheckpoint,
        RunWeights.Last => Trainer.LastCheckpoint,
        _ => null,
    };

    /// <summary>The task a run was trained for (train.json; kws for a run folder without one).</summary>
    public static TaskKind TaskOf(RunDirectory run)
    {
        var trainConfigPath = Path.Combine(run.Root, TrainingRun.ConfigFile);
        return File.Exists(trainConfigPath) ? TrainingRun.ReadConfig(trainConfigPath).Task : TaskKind.Kws;
    }

    /// <summary>Seconds a manifest duration may differ from its audio: 50 ms, or 1% of a long clip.</summary>
    public static double DurationTolerance(double audioSeconds) => Math.Max(0.05, 0.01 * audioSeconds);

    /// <summary>
    /// One evaluation clip at the front end's rate. Unreadable audio and a manifest duration that disagrees with the
    /// audio are one <see cref="InvalidDataException"/> naming the manifest, the clip and the file: event times and
    /// the false-alarm budget both rest on that duration.
    /// </summary>
    public static AudioClip ReadClip(Manifest manifest, ManifestEntry entry, int sampleRate)
    {
        var path = manifest.Resolve(entry.Audio);
        AudioClip clip;
        try
        {
            clip = WavFile.Read(path, sampleRate);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            var message = e.Message.Contains(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}";
            throw new InvalidDataException($"{manifest.Path}: clip '{entry.Id}': {message}", e);
        }
        CheckDuration(manifest.Path, entry.Id, entry.Duration, clip.DurationSeconds, path);
        return clip;
    }

    /// <summary>Throws when the manifest's duration of a clip is off by more than <see cref="DurationTolerance"/>.</summary>
    public static void CheckDuration(string manifestPath, string id, double manifestSeconds, double audioSeconds, string audioPath)
    {
        var tolerance = DurationTolerance(audioSeconds);
        if (!(Math.Abs(manifestSeconds - audioSeconds) <= tolerance))
        {
            throw new InvalidDataException(FormattableString.Invariant(
                $"{manifestPath}: clip '{id}': manifest duration {manifestSeconds:0.###} s disagrees with the {audioSeconds:0.###} s of audio in {audioPath} (tolerance {tolerance:0.###} s)"));
        }
    }

    /// <summary>Writes the metrics, the report and the three figures; the trace shows the first stream with an event.</summary>
    public static void Write(string folder, EvaluationSummary summary, IReadOnlyList<PosteriorTrace> traces)
    {
        Directory.CreateDirectory(folder);
        summary.Save(Path.Combine(folder, "metrics.json"));
        AtomicFile.WriteAllText(Path.Combine(folder, "report.md"), summary.ToMarkdown());
        var runs = new List<(string, EvaluationResult)> { (summary.Name, summary.Result) };
        EvaluationPlots.Det(Path.Combine(folder, "det.png"), runs, summary.IsOnset ? "false onsets per hour" : "false alarms per hour");
        EvaluationPlots.Latency(Path.Combine(folder, "latency.png"), runs);
        var shown = traces.FirstOrDefault(t => t.Events.Count > 0) ?? traces[0];
        // The threshold of the largest budget that has one: the operating point a deployer would most likely start from.
        var budget = summary.Result.Targets.LastOrDefault(t => double.IsFinite(t.Point.Threshold));
        var (threshold, source) = budget is null
            ? (summary.Config.Detector.Threshold, "the detector's default")
            : (budget.Point.Threshold, string.Create(CultureInfo.InvariantCulture, $"at {budget.FaPerHourTarget:0.##} {(summary.IsOnset ? "false onsets" : "FA")}/h on this test set"));
        EvaluationPlots.Trace(Path.Combine(folder, "trace.png"), shown, summary.Config.Detector, threshold, summary.Name, source);
    }

    /// <summary>
    /// The evaluation a `sal eval --compare` argument names: an evaluation's own folder (one holding metrics.json, as
    /// `sal eval --out` writes) or a run folder (its eval/), labelled by that folder's name so that two evaluations of
    /// one run (another test split, another smoothing) stay apart in the table.
    /// </summary>
    public static EvaluationSummary LoadForComparison(string folder)
    {
        var own = Path.Combine(folder, "metrics.json");
        var summary = EvaluationSummary.Load(File.Exists(own) ? own : Path.Combine(folder, EvalFolder, "metrics.json"));
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        return name.Length > 0 ? summary with { Name = name } : summary;
    }

    /// <summary>`sal eval --compare`: DET curves and latency histograms of several runs together, and one table.</summary>
    public static string Compare(IReadOnlyList<EvaluationSummary> runs, string folder)
    {
        Directory.CreateDirectory(folder);
        var pairs = runs.Select(r => (r.Name, r.Result)).ToList();
        EvaluationPlots.Det(Path.Combine(folder, "det.png"), pairs, runs.All(r => r.IsOnset) ? "false onsets per hour" : "false alarms per hour");
        EvaluationPlots.Latency(Path.Combine(folder, "latency.png"), pairs);
        var table = EvaluationSummary.ComparisonMarkdown(runs);
        AtomicFile.WriteAllText(Path.Combine(folder, "report.md"),
            "# Comparison\n\n" + table + "\nFigures: `det.png` (DET curves), `latency.png` (latency at each operating point).\n");
        return table;
    }
}
