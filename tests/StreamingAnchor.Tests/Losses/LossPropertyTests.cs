using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using StreamingAnchor.Losses;

namespace StreamingAnchor.Tests.Losses;

/// <summary>Random shapes, lengths, anchors, kernels and logits: the library agrees with the frame-by-frame reference.</summary>
public class LossPropertyTests
{
    private static readonly KernelShape[] Kernels = Enum.GetValues<KernelShape>();

    private static (LossCase Data, LossConfig Config) Draw(int seed, LossKind kind)
    {
        var rng = new Random(seed);
        var classes = rng.Next(1, 5);
        var data = LossCase.Random(rng, batch: rng.Next(1, 4), frames: rng.Next(1, 13), classes: classes, scale: 6, maxAnchors: 3);
        var config = new LossConfig
        {
            Kind = kind,
            Kernel = Kernels[rng.Next(Kernels.Length)],
            Tau = 0.5 + rng.NextDouble() * 6,
            TauAfter = rng.Next(4) == 0 ? 0 : null,
            MaxDistance = rng.Next(3) == 0 ? rng.Next(0, 8) : null,
            Lambda = rng.NextDouble() * 6,
            Gamma = rng.NextDouble() * 3,
            SaflAnchorWeight = rng.Next(2) == 0,
            Reduction = rng.Next(2) == 0 ? LossReduction.Mean : LossReduction.WeightSum,
            MaxPoolRegion = rng.Next(2) == 0 ? MaxPoolRegion.Targets : MaxPoolRegion.Sequence,
            ClassWeights = rng.Next(2) == 0 ? null : Enumerable.Range(0, Math.Max(classes, 2)).Select(_ => 0.25 + rng.NextDouble()).ToArray(),
        };
        return (data, config);
    }

    [Property(MaxTest = 50)]
    public Property LossMatchesReference(int seed, NonNegativeInt kindSeed)
    {
        var kind = Enum.GetValues<LossKind>()[kindSeed.Get % Enum.GetValues<LossKind>().Length];
        var (data, config) = Draw(seed, kind);
        var expected = ReferenceLoss.Compute(config, data);
        var actual = data.Loss(config);
        return (Math.Abs(expected - actual) <= 1e-10 * Math.Max(1, Math.Abs(expected)))
            .Label($"{config} on B={data.Batch} T={data.Frames} C={data.Classes}: reference {expected}, library {actual}");
    }

    [Property(MaxTest = 50)]
    public Property FrameWeightsAreNonNegativeAndZeroOnPadding(int seed, NonNegativeInt kindSeed)
    {
        var kind = Enum.GetValues<LossKind>()[kindSeed.Get % Enum.GetValues<LossKind>().Length];
        var (data, config) = Draw(seed, kind);
        var weights = data.FrameWeights(config);
        var ok = true;
        for (var b = 0; b < data.Batch; b++)
        {
            for (var t = 0; t < data.Frames; t++)
            {
                var w = weights[b, t];
                ok &= double.IsFinite(w) && w >= 0 && (t < data.Lengths[b] || w == 0);
                if (kind is LossKind.Sal && config.ClassWeights is null && t < data.Lengths[b])
                {
                    ok &= w >= 1 && w <= 1 + config.Lambda + 1e-12;
                }
            }
        }
        return ok.Label($"{config}");
    }

    [Property(MaxTest = 50)]
    public Property GradientIsFiniteAndZeroOnPadding(int seed, NonNegativeInt kindSeed)
    {
        var kind = Enum.GetValues<LossKind>()[kindSeed.Get % Enum.GetValues<LossKind>().Length];
        var (data, config) = Draw(seed, kind);
        var (loss, gradient) = data.LossAndGradient(config);
        var ok = double.IsFinite(loss);
        for (var b = 0; b < data.Batch; b++)
        {
            for (var t = 0; t < data.Frames; t++)
            {
                for (var c = 0; c < data.Classes; c++)
                {
                    var g = gradient[(b * data.Frames + t) * data.Classes + c];
                    ok &= double.IsFinite(g) && (t < data.Lengths[b] || g == 0);
                }
            }
        }
        return ok.Label($"{config}");
    }
}
