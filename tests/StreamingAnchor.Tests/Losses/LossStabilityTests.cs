using StreamingAnchor.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Losses;

/// <summary>Logits of +-100 in float32, right and wrong, confident and not: finite losses and gradients everywhere.</summary>
public class LossStabilityTests
{
    public static TheoryData<LossKind, int> KindsAndClasses() => LossPaddingTests.KindsAndClasses();

    [Theory]
    [MemberData(nameof(KindsAndClasses))]
    public void ExtremeLogitsGiveFiniteLossAndGradients(LossKind kind, int classes)
    {
        var data = LossCase.Random(new Random(7), batch: 4, frames: 12, classes: classes);
        var rng = new Random(11);
        for (var b = 0; b < 4; b++)
        {
            data.Lengths[b] = 12 - b;
            data.Anchors[b] = [b * 3.0];
            for (var t = 0; t < 12; t++)
            {
                for (var c = 0; c < classes; c++)
                {
                    data.Logits[b, t, c] = rng.Next(3) switch { 0 => 100, 1 => -100, _ => 0 };
                }
            }
        }
        foreach (var gamma in new[] { 0.0, 0.5, 2.0 })
        {
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
            {
                var config = new LossConfig { Kind = kind, Gamma = gamma, SaflAnchorWeight = true };
                var (loss, gradient) = data.LossAndGradient(config, dtype);
                Assert.True(double.IsFinite(loss), $"{kind} C={classes} gamma={gamma} {dtype}: loss {loss}");
                Assert.All(gradient, g => Assert.True(double.IsFinite(g), $"{kind} C={classes} gamma={gamma} {dtype}: gradient {g}"));
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ConfidentlyWrongFramesCostTheirMargin(int classes)
    {
        // A confidently wrong logit of 100 costs 100 nats of CE (softplus(100) for C = 1, target 0; for C = 3, target 1,
        // logsumexp(100, 0, 0) - 0): log p is never clamped, so the loss keeps pushing.
        var logits = new double[1, 1, classes];
        logits[0, 0, 0] = 100;
        var data = new LossCase(logits, new long[,] { { classes == 1 ? 0 : 1 } }, [1], [[0.0]]);
        Assert.Equal(100.0, data.Loss(new LossConfig { Kind = LossKind.Ce }, ScalarType.Float32), 4);
        Assert.Equal(100.0 * 5, data.Loss(new LossConfig { Kind = LossKind.Sal, Lambda = 4 }, ScalarType.Float32), 3);
        var (_, gradient) = data.LossAndGradient(new LossConfig { Kind = LossKind.Safl }, ScalarType.Float32);
        Assert.All(gradient, g => Assert.True(double.IsFinite(g)));
    }
}
