using StreamingAnchor.Losses;

namespace StreamingAnchor.Tests.Losses;

/// <summary>Float64 analytic gradients against central finite differences, for every loss and every kernel.</summary>
public class LossGradientTests
{
    public static TheoryData<LossKind, KernelShape, int> KindsKernelsClasses()
    {
        var data = new TheoryData<LossKind, KernelShape, int>();
        foreach (var kind in Enum.GetValues<LossKind>())
        {
            foreach (var classes in new[] { 1, 3 })
            {
                data.Add(kind, KernelShape.Exponential, classes);
            }
        }
        foreach (var kernel in new[] { KernelShape.Gaussian, KernelShape.Triangular, KernelShape.Box })
        {
            foreach (var kind in new[] { LossKind.Sal, LossKind.SaPlusFl, LossKind.Safl })
            {
                data.Add(kind, kernel, 1);
                data.Add(kind, kernel, 3);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(KindsKernelsClasses))]
    public void AnalyticGradientMatchesFiniteDifferences(LossKind kind, KernelShape kernel, int classes)
    {
        var data = LossCase.Random(new Random(17 + classes), batch: 2, frames: 6, classes: classes);
        data.Lengths[0] = 6;
        data.Lengths[1] = 4;
        data.Anchors[0] = [2.3];
        data.Anchors[1] = [0.6, -1.5];
        for (var t = 0; t < 6; t++)
        {
            // Mixed targets so maxpool has positive and negative terms, and focal factors differ frame to frame.
            data.Targets[0, t] = t is 2 or 3 ? 1 : 0;
            data.Targets[1, t] = t < 4 ? (classes == 1 ? 0 : t % 3) : -1;
        }
        var config = new LossConfig
        {
            Kind = kind, Kernel = kernel, Tau = 2.5, TauAfter = 1.5, Lambda = 3, Gamma = 1.7, SaflAnchorWeight = kind == LossKind.Safl,
        };
        var (_, analytic) = data.LossAndGradient(config);
        var numeric = data.NumericGradient(config);
        for (var i = 0; i < analytic.Length; i++)
        {
            Assert.True(Math.Abs(analytic[i] - numeric[i]) <= 1e-6 + 1e-5 * Math.Abs(numeric[i]),
                $"{kind}/{kernel}/C={classes}: d loss / d logit[{i}] analytic {analytic[i]} vs numeric {numeric[i]}");
        }
    }
}
