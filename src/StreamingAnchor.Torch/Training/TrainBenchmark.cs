using System.Diagnostics;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Training;

/// <summary>
/// Training throughput side by side: every (family, preset, batch) gets its model, AdamW optimizer and a random batch
/// of the real shapes; each round runs every (config, threads) pair once per load condition in a fresh random order,
/// the competing condition with a <see cref="CpuSpinner"/> running, so drifting load from elsewhere hits all configs
/// alike. A step is what <see cref="Trainer"/> does per batch: forward, the configured loss, backward, gradient
/// clipping at norm 1 and an AdamW step; with replicas, forward, loss and backward run data-parallel as
/// <see cref="ReplicaGroup"/> does for `sal train --replicas`.
/// </summary>
public static class TrainBenchmark
{
    /// <param name="progress">Receives a line per finished round.</param>
    public static IReadOnlyList<TrainBenchmarkRow> Run(TrainBenchmarkOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Frames < 1 || options.InputDim < 1 || options.Classes < 1 || options.Rounds < 1 || options.WarmupSteps < 0 ||
            options.Batches.Any(b => b < 1) || options.Threads.Any(t => t < 1) || options.Replicas.Any(r => r < 1))
        {
            throw new ArgumentException("train benchmark needs frames, input width, classes, rounds, batches, threads and replicas >= 1");
        }
        TorchRuntime.EnsureConfigured();
        var loss = LossFactory.Create(options.Loss);
        var contexts = new List<Workload>();
        try
        {
            foreach (var family in options.Families)
            {
                foreach (var preset in options.Presets)
                {
                    foreach (var batch in options.Batches)
                    {
                        contexts.Add(Workload.Create(options, family, preset, batch, loss));
                    }
                }
            }
            // Intra-op threads with one model, then data-parallel replicas with one thread each.
            var layouts = options.Threads.Distinct().Select(t => (Threads: t, Replicas: 1))
                .Concat(options.Replicas.Where(r => r > 1).Distinct().Select(r => (Threads: 1, Replicas: r))).ToArray();
            var cells = contexts.SelectMany(c => layouts.SelectMany(l => options.Competing.Select(load => new Cell(c, l.Threads, l.Replicas, load)))).ToList();
            var initialThreads = torch.get_num_threads();
            torch.set_num_threads(1);
            foreach (var context in contexts)
            {
                foreach (var replicas in layouts.Select(l => l.Replicas).Distinct())
                {
                    for (var i = 0; i < options.WarmupSteps; i++)
                    {
                        context.Step(replicas);
                    }
                }
            }

            var order = new Random(options.Seed);
            for (var round = 0; round < options.Rounds; round++)
            {
                foreach (var competing in options.Competing)
                {
                    var group = cells.Where(c => c.Competing == competing).ToArray();
                    order.Shuffle(group);
                    using var spinner = competing ? CpuSpinner.Start() : null;
                    foreach (var cell in group)
                    {
                        Measure(cell, options.SecondsPerRound);
                    }
                }
                progress?.Report($"round {round + 1}/{options.Rounds} done ({cells.Count} configs)");
            }
            torch.set_num_threads(initialThreads);

            return cells.Select(c => new TrainBenchmarkRow(c.Work.Family.Name(), c.Work.Preset.Name(), c.Work.Batch, c.Threads, c.Replicas, c.Competing, c.Work.Info.Parameters,
                c.Work.Info.MacsPerFrame, Percentile(c.FramesPerSecond, 0.5), Percentile(c.FramesPerSecond, 0.9), c.PeakRss, c.PeakReset,
                c.ManagedPeak, Percentile(c.Cores, 0.5))).ToList();
        }
        finally
        {
            foreach (var context in contexts)
            {
                context.Dispose();
            }
        }
    }

    private static void Measure(Cell cell, double seconds)
    {
        torch.set_num_threads(cell.Threads);
        var reset = ProcessMemory.TryResetPeak();
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var steps = 0;
        do
        {
            cell.Work.Step(cell.Replicas);
            steps++;
        }
        while (clock.Elapsed.TotalSeconds < seconds);
        clock.Stop();
        process.Refresh();
        cell.FramesPerSecond.Add((double)steps * cell.Work.Batch * cell.Work.Frames / clock.Elapsed.TotalSeconds);
        cell.Cores.Add((process.TotalProcessorTime - cpu).TotalSeconds / clock.Elapsed.TotalSeconds);
        var peak = ProcessMemory.PeakResident();
        // With a reset the peak belongs to this config; without one it is the process peak so far, so keep the smallest.
        cell.PeakRss = cell.PeakRss == 0 ? peak : Math.Min(cell.PeakRss, peak);
        cell.PeakReset |= reset;
        cell.ManagedPeak = Math.Max(cell.ManagedPeak, GC.GetTotalMemory(false));
    }

    /// <summary>The q-quantile of the rates (q = 0.9 of frames/s is the 10th percentile of step time).</summary>
    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }

    private sealed class Cell(Workload work, int threads, int replicas, bool competing)
    {
        public Workload Work { get; } = work;
        public int Threads { get; } = threads;
        public int Replicas { get; } = replicas;
        public bool Competing { get; } = competing;
        public List<double> FramesPerSecond { get; } = [];
        public List<double> Cores { get; } = [];
        public long PeakRss { get; set; }
        public bool PeakReset { get; set; }
        public long ManagedPeak { get; set; }
    }

    /// <summary>One model with its optimizer and a fixed random batch: features, targets like training sees, anchors.</summary>
    private sealed class Workload : IDisposable
    {
        private readonly StreamingModel _model;
        private readonly optim.Optimizer _optimizer;
        private readonly IFrameLoss _loss;
        private readonly Tensor _features;
        private readonly Tensor _targets;
        private readonly Tensor _lengths;
        private readonly double[][] _anchors;
        private readonly Dictionary<int, ReplicaGroup> _groups = [];
        private long _steps;

        private Workload(ModelFamily family, ModelSize preset, int batch, int frames, StreamingModel model, IFrameLoss loss, Tensor features,
            Tensor targets, Tensor lengths, double[][] anchors)
        {
            Family = family;
            Preset = preset;
            Batch = batch;
            Frames = frames;
            _model = model;
            _loss = loss;
            _features = features;
            _targets = targets;
            _lengths = lengths;
            _anchors = anchors;
            Info = ModelInfo.Of(model);
            _optimizer = optim.AdamW(model.parameters(), 3e-3, 0.9, 0.999, 1e-8, 0.01);
        }

        public ModelFamily Family { get; }
        public ModelSize Preset { get; }
        public int Batch { get; }
        public int Frames { get; }
        public ModelInfo Info { get; }

        public static Workload Create(TrainBenchmarkOptions options, ModelFamily family, ModelSize preset, int batch, IFrameLoss loss)
        {
            torch.manual_seed(options.Seed);
            var model = ModelFactory.Create(new ModelConfig { Family = family, Preset = preset }, options.InputDim, options.Classes);
            model.train();
            var frames = options.Frames;
            var rng = new Random(options.Seed + batch);
            var targets = new long[batch * frames];
            var anchors = new double[batch][];
            for (var b = 0; b < batch; b++)
            {
                anchors[b] = [];
                if (b % 2 == 0)
                {
                    // Half the sequences positive: a keyword of about 30 frames ending at a fractional anchor.
                    var anchor = rng.NextDouble() * (frames - 1);
                    anchors[b] = [anchor];
                    var cls = options.Classes == 1 ? 1 : rng.Next(1, options.Classes);
                    for (var t = Math.Max(0, (int)anchor - 30); t <= (int)anchor; t++)
                    {
                        targets[b * frames + t] = cls;
                    }
                }
            }
            var lengths = Enumerable.Repeat((long)frames, batch).ToArray();
            return new Workload(family, preset, batch, frames, model, loss, torch.randn(batch, frames, options.InputDim),
                torch.tensor(targets, new long[] { batch, frames }), torch.tensor(lengths), anchors);
        }

        /// <param name="replicas">1: the single-model step; more: the same step data-parallel (<see cref="ReplicaGroup"/>).</param>
        public void Step(int replicas)
        {
            using var scope = torch.NewDisposeScope();
            _optimizer.zero_grad();
            if (replicas == 1)
            {
                var logits = _model.forward(_features);
                var value = _loss.Forward(logits, _targets, _lengths, _anchors);
                value.backward();
            }
            else
            {
                if (!_groups.TryGetValue(replicas, out var group))
                {
                    group = new ReplicaGroup(_model, replicas);
                    _groups.Add(replicas, group);
                }
                group.ForwardBackward(_loss, _features, _targets, _lengths, _anchors, _steps++);
            }
            nn.utils.clip_grad_norm_(_model.parameters(), 1.0);
            _optimizer.step();
        }

        public void Dispose()
        {
            foreach (var group in _groups.Values)
            {
                group.Dispose();
            }
            _optimizer.Dispose();
            _model.Dispose();
            _features.Dispose();
            _targets.Dispose();
            _lengths.Dispose();
        }
    }
}
