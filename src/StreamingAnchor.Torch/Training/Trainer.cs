using System.Diagnostics;
using System.Text;
using System.Text.Json;
using StreamingAnchor.Anchors;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamingAnchor.Training;

/// <summary>
/// The training loop: AdamW, warm-up + cosine schedule, gradient clipping, a dev evaluation and atomic best/last
/// checkpoints after every epoch, early stopping, exact resume. Torch randomness (dropout) and the data order are
/// seeded from (seed, epoch), so restarting at an epoch boundary replays exactly what an uninterrupted run does.
/// With <see cref="TrainConfig.Replicas"/> above 1 each batch runs data-parallel (<see cref="ReplicaGroup"/>), dropout
/// seeded from (seed, epoch, step, shard) instead. With <see cref="TrainConfig.EmaDecay"/> the dev split scores, and the
/// checkpoints ship, a moving average of the weights (<see cref="WeightAverage"/>).
/// </summary>
public sealed class Trainer
{
    public const string LastCheckpoint = "checkpoints/last.ckpt";
    public const string BestCheckpoint = "checkpoints/best.ckpt";
    public const string MetricsFile = "metrics.jsonl";

    private readonly TrainConfig _config;
    private readonly StreamingModel _model;
    private readonly IFrameLoss _loss;
    private readonly ITrainingData _data;
    private readonly string _runDirectory;
    private readonly TeacherEnsemble? _teachers;

    /// <param name="teachers">With <see cref="TrainConfig.Teachers"/>: the loaded teachers, whose distillation term
    /// (<see cref="TeacherEnsemble.Term"/>, times <see cref="TrainConfig.DistillWeight"/>) joins the training loss; the
    /// dev loss stays the task's.</param>
    public Trainer(TrainConfig config, StreamingModel model, IFrameLoss loss, ITrainingData data, string runDirectory,
        TeacherEnsemble? teachers = null)
    {
        if (config.Distils != teachers is not null)
        {
            throw new ArgumentException(config.Distils ? "the config names teachers but none were loaded" : "teachers were given but the config names none");
        }
        _teachers = teachers;
        config.Validate();
        Device = ResolveDevice(config.Device);
        _config = config;
        _model = model;
        _loss = loss;
        _data = data;
        _runDirectory = runDirectory;
    }

    /// <summary>Where the model and every batch live while training (<see cref="TrainConfig.Device"/>).</summary>
    public torch.Device Device { get; }

    /// <summary>The torch device of a <see cref="TrainConfig.Device"/> value; refuses CUDA on a CPU-only libtorch.</summary>
    public static torch.Device ResolveDevice(string device)
    {
        if (device.StartsWith("cuda", StringComparison.Ordinal) && !torch.cuda.is_available())
        {
            throw new InvalidOperationException(
                $"device {device}: this build's libtorch has no CUDA (it uses the CPU package); train with --device cpu, or build against a CUDA libtorch package");
        }
        return torch.device(device);
    }

    /// <summary>A batch tensor on the training device (batches are collated on the CPU).</summary>
    private torch.Tensor OnDevice(torch.Tensor t) => Device.type == DeviceType.CPU ? t : t.to(Device);

    public string LastCheckpointPath => Path.Combine(_runDirectory, LastCheckpoint);

    public string BestCheckpointPath => Path.Combine(_runDirectory, BestCheckpoint);

    /// <summary>
    /// Trains until the configured epochs are done or early stopping triggers, continuing from the last checkpoint
    /// when one exists. Throws <see cref="NonFiniteLossException"/> without touching the checkpoints on a NaN loss.
    /// </summary>
    public TrainingState Run(IProgress<TrainProgress>? progress = null, CancellationToken cancellation = default)
    {
        // Replicas run one libtorch thread each (replica 0 on this thread); TrainConfig refuses more with replicas.
        torch.set_num_threads(_config.ResolvedThreads);
        _model.to(Device);
        var batchesPerEpoch = Math.Max(1, _data.TrainBatchesPerEpoch);
        var totalSteps = (long)batchesPerEpoch * _config.Epochs;
        // Only an explicit cap stops an epoch early: a data source's batch count may be an estimate.
        var stepCap = _config.MaxSteps is { } cap ? cap : long.MaxValue;
        totalSteps = Math.Min(totalSteps, stepCap);
        var schedule = new LearningRateSchedule(_config.LearningRate, totalSteps,
            (long)Math.Round(_config.WarmupFraction * totalSteps), _config.MinLearningRateRatio);
        using var optimizer = torch.optim.AdamW(_model.parameters(), _config.LearningRate, _config.Beta1, _config.Beta2,
            1e-8, _config.WeightDecay);

        var state = new TrainingState(0, 0, double.PositiveInfinity, 0, 0, false);
        var history = new List<EpochMetrics>();
        // The average starts at the weights training starts from (random, or a fine-tune's initial run).
        using var average = _config.EmaDecay is { } decay ? new WeightAverage(_model, decay) : null;
        if (File.Exists(LastCheckpointPath))
        {
            var header = Checkpoint.Resume(LastCheckpointPath, _model, optimizer, average?.Model);
            state = header.State;
            history.AddRange(header.History);
            WriteMetrics(history);
        }
        // What the dev split scores and the checkpoints ship.
        var shipped = average?.Model ?? _model;
        // Replicas take the model's weights at every step, so a checkpoint (model and optimizer) is the same with or
        // without them and a resume needs nothing more.
        using var replicas = _config.ResolvedReplicas > 1 ? new ReplicaGroup(_model, _config.ResolvedReplicas) : null;

        for (var epoch = state.EpochsDone + 1; epoch <= _config.Epochs && !state.Stopped && state.Step < stepCap; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            var epochSeed = unchecked(_config.Seed * 1_000_003L + epoch);
            torch.manual_seed(epochSeed);
            _model.train();
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            long frames = 0;
            var batchIndex = 0;
            var step = state.Step;
            var lr = schedule.At(step);
            foreach (var batch in _data.TrainBatches(epoch))
            {
                if (step >= stepCap)
                {
                    batch.Dispose();
                    break;
                }
                using (batch)
                using (var scope = torch.NewDisposeScope())
                {
                    cancellation.ThrowIfCancellationRequested();
                    lr = schedule.At(step);
                    foreach (var group in optimizer.ParamGroups)
                    {
                        group.LearningRate = lr;
                    }
                    optimizer.zero_grad();
                    float value;
                    if (replicas is null)
                    {
                        var features = OnDevice(batch.Features);
                        var logits = _model.forward(features);
                        var loss = _loss.Forward(logits, OnDevice(batch.Targets), batch.Lengths, batch.LossAnchors(_loss.Config.NearMissAnchors));
                        if (_teachers is not null)
                        {
                            loss = loss + (_config.DistillWeight ?? 1.0) * _teachers.Term(logits, features, OnDevice(batch.Mask()));
                        }
                        value = loss.item<float>();
                        loss.backward();
                    }
                    else
                    {
                        value = (float)replicas.ForwardBackward(_loss, batch.Features, batch.Targets, batch.Lengths,
                            batch.LossAnchors(_loss.Config.NearMissAnchors),
                            unchecked(epochSeed * 1_000_003L + step));
                    }
                    // Before the optimiser step, so a NaN never reaches the weights or a checkpoint.
                    if (!float.IsFinite(value))
                    {
                        throw new NonFiniteLossException(epoch, step, value);
                    }
                    if (_config.ClipNorm > 0)
                    {
                        torch.nn.utils.clip_grad_norm_(_model.parameters(), _config.ClipNorm);
                    }
                    optimizer.step();
                    average?.Update(step);
                    step++;
                    batchIndex++;
                    lossSum += value;
                    frames += batch.ValidFrames;
                    var elapsed = clock.Elapsed.TotalSeconds;
                    var eta = TimeSpan.FromSeconds(elapsed / batchIndex * Math.Max(0, batchesPerEpoch - batchIndex));
                    progress?.Report(new TrainProgress(epoch, _config.Epochs, batchIndex, batchesPerEpoch, lossSum / batchIndex, lr,
                        frames / Math.Max(elapsed, 1e-9), eta));
                }
            }
            if (batchIndex == 0)
            {
                throw new InvalidOperationException("the training split produced no batches");
            }

            // Without dev clips (only allowed with the loss metric) the training loss picks, rather than a NaN metric
            // freezing the best at epoch 1.
            var (devLoss, devMetric, devEer) = _config.NoDev ? (double.NaN, double.NaN, double.NaN) : EvaluateDev(shipped);
            if (!_config.NoDev && double.IsNaN(devMetric))
            {
                devMetric = lossSum / batchIndex;
            }
            // FRR at a small false-alarm budget is a coarse number on a small dev split: equal FRRs go to the lower EER.
            var bestEer = history.FirstOrDefault(h => h.Epoch == state.BestEpoch)?.DevEer;
            var tieBroken = _config.DevMetric == DevMetric.Frr && devMetric == state.BestMetric && devEer < (bestEer ?? double.PositiveInfinity);
            // --no-dev and --ship last ship the last epoch: every epoch counts as the best so far.
            var improved = _config.ShipsLastEpoch || devMetric < state.BestMetric || tieBroken || state.BestEpoch == 0;
            var seconds = clock.Elapsed.TotalSeconds;
            var row = new EpochMetrics(epoch, step, lossSum / batchIndex, lr, devLoss, devMetric, frames / Math.Max(seconds, 1e-9),
                seconds, improved, double.IsNaN(devEer) ? null : devEer);
            var without = improved ? 0 : state.EpochsWithoutImprovement + 1;
            state = new TrainingState(epoch, step,
                improved ? devMetric : state.BestMetric,
                improved ? epoch : state.BestEpoch,
                without,
                _config.Patience > 0 && without >= _config.Patience);
            history.Add(row);
            var headerNow = new Checkpoint.Header(state, history.ToList());
            if (improved)
            {
                Checkpoint.Save(BestCheckpointPath, headerNow, shipped, optimizer, average is null ? null : _model);
            }
            Checkpoint.Save(LastCheckpointPath, headerNow, shipped, optimizer, average is null ? null : _model);
            WriteMetrics(history);
            progress?.Report(new TrainProgress(epoch, _config.Epochs, batchIndex, batchesPerEpoch, row.TrainLoss, lr,
                row.FramesPerSecond, TimeSpan.Zero, row));
        }
        // Run folders, export and streaming read the model on the CPU, wherever it trained.
        _model.to(torch.CPU);
        return state;
    }

    /// <summary>
    /// Dev loss (the training loss), the configured dev metric and the dev EER. The posteriors are those `sal eval`
    /// streams (Inference/StreamingPipeline): row i holds frame i - k's output with the look-ahead k, the first k rows
    /// are 0, and the detector, matching and FA/h rules are `sal eval`'s (<see cref="EvaluationConfig.ForTask"/>). They
    /// come from the offline forward over cached features, which equals the streaming step for every family
    /// (Models/StreamingEquivalenceTests, LookAheadTests; TrainerTests.DevScoringEqualsSalEvalOnTheDevSplit ties it to
    /// `sal eval`); streams longer than <see cref="DevChunkFrames"/> go through the step in chunks to bound memory.
    /// </summary>
    public (double Loss, double Metric, double Eer) EvaluateDev() => EvaluateDev(_model);

    private (double Loss, double Metric, double Eer) EvaluateDev(StreamingModel model)
    {
        var traces = DevTraces(model, out var devLoss);
        if (traces.Count == 0)
        {
            return (devLoss, devLoss, double.NaN);
        }
        var evaluation = DetectionEvaluator.Run(traces, EvaluationConfig.ForTask(_config.Task).On(_data.Clock) with { FaPerHourTargets = [_config.ResolvedDevFaPerHour] });
        var metric = _config.DevMetric switch
        {
            DevMetric.Loss => devLoss,
            DevMetric.Frr => evaluation.Targets[0].Point.Frr,
            _ => evaluation.Eer,
        };
        // EER is NaN without events: fall back to the loss rather than never saving a best checkpoint.
        return (devLoss, double.IsNaN(metric) ? devLoss : metric, evaluation.Eer);
    }

    /// <summary>Frames beyond which a dev batch is scored by the streaming step in chunks of this many frames (5 min).</summary>
    public int DevChunkFrames { get; init; } = DevScoring.DefaultChunkFrames;

    /// <summary>Padded frames (rows x frames) of a dev batch scored in one pass; larger batches go a few rows at a time.</summary>
    public long DevBatchFrames { get; init; } = DevScoring.DefaultBatchFrames;

    /// <summary>The dev split's posterior traces as `sal eval` would stream them, and the mean dev loss (NaN without dev batches).</summary>
    public IReadOnlyList<PosteriorTrace> DevTraces(out double devLoss) => DevTraces(_model, out devLoss);

    private IReadOnlyList<PosteriorTrace> DevTraces(StreamingModel model, out double devLoss)
    {
        model.eval();
        var traces = new List<PosteriorTrace>();
        double lossSum = 0;
        var batches = 0;
        using (torch.no_grad())
        {
            foreach (var batch in _data.DevBatches())
            {
                using (batch)
                using (var scope = torch.NewDisposeScope())
                {
                    var logits = DevScoring.OfflineLogits(model, OnDevice(batch.Features), DevChunkFrames, DevBatchFrames);
                    lossSum += _loss.Forward(logits, OnDevice(batch.Targets), batch.Lengths, batch.LossAnchors(_loss.Config.NearMissAnchors))
                        .item<float>();
                    batches++;
                    var posteriors = Posteriors.FromLogits(logits).cpu();
                    var lengths = batch.Lengths.data<long>().ToArray();
                    for (var b = 0; b < batch.Size; b++)
                    {
                        if (!_data.DevTruth.TryGetValue(batch.Ids[b], out var truth))
                        {
                            throw new InvalidOperationException($"dev clip '{batch.Ids[b]}' has no ground truth");
                        }
                        traces.Add(new PosteriorTrace(batch.Ids[b], Posteriors.Delayed(posteriors, b, (int)lengths[b], model.LookAhead),
                            (int)posteriors.shape[2], truth.Duration, truth.Events));
                    }
                }
            }
        }
        devLoss = batches == 0 ? double.NaN : lossSum / batches;
        return traces;
    }

    private void WriteMetrics(IEnumerable<EpochMetrics> history)
    {
        var sb = new StringBuilder();
        foreach (var row in history)
        {
            sb.Append(JsonSerializer.Serialize(row, ProjectJson.ResultLines)).Append('\n');
        }
        AtomicFile.WriteAllText(Path.Combine(_runDirectory, MetricsFile), sb.ToString());
    }
}
