using StreamingAnchor.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Losses;

/// <summary>
/// The fused fast path (<see cref="FusedFrameTerms"/>, value and hand-written gradient in one pass) against the reference
/// formula of the same loss (libtorch ops differentiated by autograd): same value and same gradient, for C = 1 sigmoid
/// and C = 12 softmax, with and without padding, in float32 and float64, on ordinary and on extreme logits.
/// </summary>
public class LossFusedPathTests
{
    public static TheoryData<LossKind, int, bool> KindsClassesPadding()
    {
        var data = new TheoryData<LossKind, int, bool>();
        foreach (var kind in new[] { LossKind.Ce, LossKind.Focal, LossKind.Sal, LossKind.SaPlusFl, LossKind.Safl })
        {
            foreach (var classes in new[] { 1, 12 })
            {
                data.Add(kind, classes, true);
                data.Add(kind, classes, false);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(KindsClassesPadding))]
    public void FusedPathEqualsReferenceFormula(LossKind kind, int classes, bool padding)
    {
        var data = TrainingLikeCase(new Random(3 + classes), classes, padding, scale: 4);
        var configs = new[]
        {
            new LossConfig { Kind = kind },
            new LossConfig { Kind = kind, Gamma = 0.5, Lambda = 2, Reduction = LossReduction.WeightSum, SaflAnchorWeight = true },
            new LossConfig { Kind = kind, Gamma = 3, Kernel = KernelShape.Gaussian, Tau = 5, ClassWeights = ClassWeights(classes) },
        };
        foreach (var config in configs)
        {
            // float64: both paths are exact to rounding; float32: the reference rounds every [B,T] op to float32.
            AssertPathsAgree(config, data, ScalarType.Float64, tolerance: 1e-10);
            AssertPathsAgree(config, data, ScalarType.Float32, tolerance: 1e-6);
        }
    }

    [Theory]
    [InlineData(LossKind.Focal, 1)]
    [InlineData(LossKind.SaPlusFl, 1)]
    [InlineData(LossKind.Safl, 1)]
    [InlineData(LossKind.Focal, 12)]
    [InlineData(LossKind.SaPlusFl, 12)]
    [InlineData(LossKind.Safl, 12)]
    public void FusedPathEqualsReferenceOnConfidentLogits(LossKind kind, int classes)
    {
        // Logits up to +-30 push p to within float32's rounding of 0 and 1, where 1 - p and the focal factor need the
        // stable forms. In float64 the paths agree; in float32 each rounds differently, so both are held against the
        // float64 reference: the fused path must be within 1e-6 of it or no farther than the float32 reference is.
        var data = TrainingLikeCase(new Random(5 + classes), classes, padding: true, scale: 30);
        foreach (var gamma in new[] { 0.5, 2.0 })
        {
            var config = new LossConfig { Kind = kind, Gamma = gamma };
            AssertPathsAgree(config, data, ScalarType.Float64, tolerance: 1e-9);
            var (exactValue, exact) = ValueAndGradient(new WeightedFrameLoss(config, reference: true), data, ScalarType.Float64);
            var (fastValue, fast) = ValueAndGradient(new WeightedFrameLoss(config), data, ScalarType.Float32);
            var (referenceValue, reference) = ValueAndGradient(new WeightedFrameLoss(config, reference: true), data, ScalarType.Float32);
            var scale = Math.Max(exact.Max(Math.Abs), 1e-12);
            var fastError = fast.Select((g, i) => Math.Abs(g - exact[i])).Max() / scale;
            var referenceError = reference.Select((g, i) => Math.Abs(g - exact[i])).Max() / scale;
            Assert.True(fastError <= Math.Max(1e-6, referenceError),
                $"{kind} C={classes} gamma={gamma} float32: fused gradient error {fastError:E2}, reference {referenceError:E2}");
            Assert.True(Math.Abs(fastValue - exactValue) <= Math.Max(1e-6 * Math.Abs(exactValue), Math.Abs(referenceValue - exactValue)),
                $"{kind} C={classes} gamma={gamma} float32: loss fused {fastValue}, reference {referenceValue}, float64 {exactValue}");
        }
    }

    [Fact]
    public void FusedPathRunsOnCpuFloatLogitsAndReferenceOnRequest()
    {
        var config = new LossConfig { Kind = LossKind.Safl };
        using var logits = torch.zeros(1, 3, 1);
        using var half = torch.zeros(new long[] { 1, 3, 1 }, ScalarType.BFloat16);
        Assert.True(new WeightedFrameLoss(config).TakesFusedPath(logits));
        Assert.False(new WeightedFrameLoss(config).TakesFusedPath(half));
        Assert.False(new WeightedFrameLoss(config, reference: true).TakesFusedPath(logits));
    }

    [Fact]
    public void FusedPathWithoutGradientGivesTheSameValue()
    {
        var data = TrainingLikeCase(new Random(9), classes: 12, padding: true, scale: 4);
        var loss = new WeightedFrameLoss(new LossConfig { Kind = LossKind.SaPlusFl });
        using var scope = torch.NewDisposeScope();
        var withGradient = loss.Forward(data.LogitsTensor(requiresGrad: true), data.TargetsTensor(), data.LengthsTensor(), data.Anchors);
        using (torch.no_grad())
        {
            var without = loss.Forward(data.LogitsTensor(requiresGrad: true), data.TargetsTensor(), data.LengthsTensor(), data.Anchors);
            Assert.False(without.requires_grad);
            Assert.Equal(withGradient.item<double>(), without.item<double>());
        }
        Assert.True(withGradient.requires_grad);
    }

    private static void AssertPathsAgree(LossConfig config, LossCase data, ScalarType dtype, double tolerance)
    {
        var (fastValue, fastGradient) = ValueAndGradient(new WeightedFrameLoss(config), data, dtype);
        var (referenceValue, referenceGradient) = ValueAndGradient(new WeightedFrameLoss(config, reference: true), data, dtype);
        var label = $"{config.Kind} C={data.Classes} gamma={config.Gamma} {config.Reduction} {dtype}";
        Assert.True(Math.Abs(fastValue - referenceValue) <= tolerance * Math.Max(1, Math.Abs(referenceValue)),
            $"{label}: loss fused {fastValue} vs reference {referenceValue}");
        // Gradients scale with 1/N: compared relative to the largest one, so float32's per-op rounding is the yardstick.
        var scale = Math.Max(referenceGradient.Max(Math.Abs), 1e-12);
        for (var i = 0; i < fastGradient.Length; i++)
        {
            Assert.True(Math.Abs(fastGradient[i] - referenceGradient[i]) <= tolerance * scale,
                $"{label}: d loss / d logit[{i}] fused {fastGradient[i]} vs reference {referenceGradient[i]} (largest {scale})");
        }
    }

    private static (double Value, double[] Gradient) ValueAndGradient(WeightedFrameLoss loss, LossCase data, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        var logits = data.LogitsTensor(dtype, requiresGrad: true);
        var value = loss.Forward(logits, data.TargetsTensor(), data.LengthsTensor(), data.Anchors);
        value.backward();
        return (value.to_type(ScalarType.Float64).item<double>(), logits.grad!.to_type(ScalarType.Float64).data<double>().ToArray());
    }

    private static double[] ClassWeights(int classes) =>
        Enumerable.Range(0, Math.Max(classes, 2)).Select(c => c == 0 ? 0.5 : 1 + 0.25 * c).ToArray();

    /// <summary>
    /// A batch shaped like training's: half the sequences with a keyword run ending at an anchor, the rest background;
    /// with <paramref name="padding"/> lengths between T/2 and T (padding targets out of range, as a collate may leave them).
    /// </summary>
    private static LossCase TrainingLikeCase(Random rng, int classes, bool padding, double scale)
    {
        const int batch = 6;
        const int frames = 48;
        var data = LossCase.Random(rng, batch, frames, classes, scale, maxAnchors: 0);
        for (var b = 0; b < batch; b++)
        {
            data.Lengths[b] = padding ? rng.Next(frames / 2, frames + 1) : frames;
            for (var t = 0; t < frames; t++)
            {
                data.Targets[b, t] = t < data.Lengths[b] ? 0 : -1;
            }
            if (b % 2 == 0)
            {
                var anchor = 10 + rng.NextDouble() * (data.Lengths[b] - 11);
                data.Anchors[b] = [anchor];
                var keyword = classes == 1 ? 1 : rng.Next(1, classes);
                for (var t = (int)anchor - 8; t <= (int)anchor; t++)
                {
                    data.Targets[b, t] = keyword;
                }
            }
        }
        return data;
    }
}
