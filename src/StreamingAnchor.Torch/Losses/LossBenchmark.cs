using System.Diagnostics;
using StreamingAnchor.Anchors;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Losses;

/// <summary>
/// Times forward + backward of the loss family side by side: every round runs each loss once per shape, in a random
/// order, so load from other processes hits all losses alike; medians (and 10th percentiles) are compared to "ce" on
/// the same shape. Two reference rows come along: "torch-ce" (libtorch's fused cross entropy with padding
/// masked by ignore_index / a mask, no weights) and "significance" (the [B,T] kernel plane alone); on request also the
/// reference path of every kind the fused path serves ("sal (reference)", ...).
/// </summary>
public static class LossBenchmark
{
    public const string TorchCe = "torch-ce";
    public const string SignificanceOnly = "significance";

    /// <summary>Appended to a kind's name for the row of its reference path (libtorch ops and autograd, no fused pass).</summary>
    public const string ReferenceSuffix = " (reference)";

    /// <param name="progress">Receives (rounds done, rounds total) after every round, warm-up included.</param>
    public static IReadOnlyList<LossBenchmarkResult> Run(LossBenchmarkOptions options, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Batch < 1 || options.Frames < 1 || options.Rounds < 1 || options.WarmupRounds < 0)
        {
            throw new ArgumentException("loss benchmark needs batch, frames and rounds >= 1 and warm-up rounds >= 0");
        }
        var kinds = options.Kinds.Contains(LossKind.Ce) ? options.Kinds : [LossKind.Ce, .. options.Kinds];
        var shapes = options.ClassCounts.Select(c => Workload.Create(options, c)).ToList();
        var contenders = new List<Contender>();
        foreach (var shape in shapes)
        {
            foreach (var kind in kinds)
            {
                var loss = LossFactory.Create(options.Loss with { Kind = kind });
                contenders.Add(new Contender(shape, kind.Name(), () => FullStep(shape, loss)));
                if (options.IncludeReference && loss is WeightedFrameLoss)
                {
                    var reference = new WeightedFrameLoss(loss.Config, reference: true);
                    contenders.Add(new Contender(shape, kind.Name() + ReferenceSuffix, () => FullStep(shape, reference)));
                }
            }
            contenders.Add(new Contender(shape, TorchCe, () => TorchCrossEntropyStep(shape)));
            var kernel = options.Loss.SignificanceKernel();
            contenders.Add(new Contender(shape, SignificanceOnly, () => TemporalSignificance.Compute(kernel, shape.Anchors, shape.Frames)));
        }

        var stopwatch = new Stopwatch();
        var order = new Random(options.Seed);
        var warmup = Stopwatch.StartNew();
        var warmupRounds = 0;
        while (warmupRounds < options.WarmupRounds || warmup.Elapsed.TotalSeconds < options.WarmupSeconds)
        {
            RunRound(contenders, order, stopwatch, record: false);
            warmupRounds++;
            progress?.Report((Math.Min(warmupRounds, options.WarmupRounds), options.WarmupRounds + options.Rounds));
        }
        for (var round = 0; round < options.Rounds; round++)
        {
            RunRound(contenders, order, stopwatch, record: true);
            progress?.Report((options.WarmupRounds + round + 1, options.WarmupRounds + options.Rounds));
        }
        foreach (var shape in shapes)
        {
            shape.Dispose();
        }

        var results = new List<LossBenchmarkResult>();
        foreach (var group in contenders.GroupBy(c => c.Shape))
        {
            var ce = group.Single(c => c.Name == "ce").Microseconds;
            var ceMedian = Percentile(ce, 0.5);
            var ceFast = Percentile(ce, 0.1);
            foreach (var contender in group)
            {
                var median = Percentile(contender.Microseconds, 0.5);
                var fast = Percentile(contender.Microseconds, 0.1);
                results.Add(new LossBenchmarkResult(group.Key.Name, contender.Name, median, fast,
                    Percentile(contender.Microseconds, 0.9), median / ceMedian, fast / ceFast));
            }
        }
        return results;
    }

    private static void RunRound(List<Contender> contenders, Random order, Stopwatch stopwatch, bool record)
    {
        // A fresh random order every round: no loss always follows the same neighbour (and its cache footprint).
        var sequence = contenders.ToArray();
        order.Shuffle(sequence);
        foreach (var contender in sequence)
        {
            stopwatch.Restart();
            contender.Step();
            stopwatch.Stop();
            if (record)
            {
                contender.Microseconds.Add(stopwatch.Elapsed.TotalMicroseconds);
            }
        }
    }

    private static void FullStep(Workload shape, IFrameLoss loss)
    {
        using var scope = torch.NewDisposeScope();
        shape.Logits.grad?.zero_();
        var value = loss.Forward(shape.Logits, shape.Targets, shape.Lengths, shape.Anchors);
        value.backward();
    }

    private static void TorchCrossEntropyStep(Workload shape)
    {
        using var scope = torch.NewDisposeScope();
        shape.Logits.grad?.zero_();
        Tensor value;
        if (shape.Classes == 1)
        {
            var z = shape.Logits.reshape(shape.Batch, shape.Frames);
            value = torch.nn.functional.binary_cross_entropy_with_logits(z, shape.FloatTargets, weight: shape.Mask, reduction: nn.Reduction.Sum)
                / shape.ValidFrames;
        }
        else
        {
            value = torch.nn.functional.cross_entropy(shape.Logits.reshape(-1, shape.Classes), shape.IgnoredPaddingTargets.reshape(-1),
                ignore_index: -100, reduction: nn.Reduction.Mean);
        }
        value.backward();
    }

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }

    private sealed record Contender(Workload Shape, string Name, Action Step)
    {
        public List<double> Microseconds { get; } = [];
    }

    /// <summary>
    /// A batch like training sees: lengths between T/2 and T, half the sequences positive with a keyword region of
    /// about 30 frames ending at a fractional anchor, the rest negative without anchors.
    /// </summary>
    private sealed class Workload : IDisposable
    {
        private Workload(string name, int batch, int frames, int classes)
        {
            Name = name;
            Batch = batch;
            Frames = frames;
            Classes = classes;
        }

        public string Name { get; }
        public int Batch { get; }
        public int Frames { get; }
        public int Classes { get; }
        public Tensor Logits { get; private set; } = null!;
        public Tensor Targets { get; private set; } = null!;
        public Tensor Lengths { get; private set; } = null!;
        public Tensor FloatTargets { get; private set; } = null!;
        public Tensor Mask { get; private set; } = null!;
        public Tensor IgnoredPaddingTargets { get; private set; } = null!;
        public double ValidFrames { get; private set; }
        public double[][] Anchors { get; private set; } = [];

        public static Workload Create(LossBenchmarkOptions options, int classes)
        {
            var (batch, frames) = (options.Batch, options.Frames);
            var shape = new Workload($"[{batch},{frames},{classes}]", batch, frames, classes);
            var rng = new Random(options.Seed + classes);
            var targets = new long[batch * frames];
            var ignored = new long[batch * frames];
            var mask = new float[batch * frames];
            var lengths = new long[batch];
            var anchors = new double[batch][];
            for (var b = 0; b < batch; b++)
            {
                lengths[b] = rng.Next(Math.Max(1, frames / 2), frames + 1);
                anchors[b] = [];
                if (b % 2 == 0)
                {
                    var anchor = rng.NextDouble() * (lengths[b] - 1);
                    anchors[b] = [anchor];
                    var cls = classes == 1 ? 1 : rng.Next(1, classes);
                    for (var t = Math.Max(0, (int)anchor - 30); t <= (int)anchor; t++)
                    {
                        targets[b * frames + t] = cls;
                    }
                }
                for (var t = 0; t < frames; t++)
                {
                    var valid = t < lengths[b];
                    mask[b * frames + t] = valid ? 1 : 0;
                    ignored[b * frames + t] = valid ? targets[b * frames + t] : -100;
                }
                shape.ValidFrames += lengths[b];
            }
            torch.manual_seed(options.Seed + classes);
            shape.Logits = torch.randn(batch, frames, classes).requires_grad_(true);
            shape.Targets = torch.tensor(targets, new long[] { batch, frames });
            shape.IgnoredPaddingTargets = torch.tensor(ignored, new long[] { batch, frames });
            shape.FloatTargets = shape.Targets.to_type(ScalarType.Float32);
            shape.Mask = torch.tensor(mask, new long[] { batch, frames });
            shape.Lengths = torch.tensor(lengths);
            shape.Anchors = anchors;
            return shape;
        }

        public void Dispose()
        {
            Logits.Dispose();
            Targets.Dispose();
            Lengths.Dispose();
            FloatTargets.Dispose();
            Mask.Dispose();
            IgnoredPaddingTargets.Dispose();
        }
    }
}
