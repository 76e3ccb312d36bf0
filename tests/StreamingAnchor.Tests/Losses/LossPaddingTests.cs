using StreamingAnchor.Losses;

namespace StreamingAnchor.Tests.Losses;

/// <summary>Padding frames (t &gt;= length) contribute neither loss nor gradient, whatever they hold.</summary>
public class LossPaddingTests
{
    public static TheoryData<LossKind, int> KindsAndClasses()
    {
        var data = new TheoryData<LossKind, int>();
        foreach (var kind in Enum.GetValues<LossKind>())
        {
            data.Add(kind, 1);
            data.Add(kind, 4);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndClasses))]
    public void PaddingHasZeroLossAndZeroGradient(LossKind kind, int classes)
    {
        var data = LossCase.Random(new Random(41), batch: 3, frames: 10, classes: classes);
        data.Lengths[0] = 10;
        data.Lengths[1] = 6;
        data.Lengths[2] = 0;
        data.Anchors[1] = [7.5]; // an anchor inside the padding still must not make padding count
        var config = new LossConfig { Kind = kind, SaflAnchorWeight = true };
        var (before, gradient) = data.LossAndGradient(config);

        var rng = new Random(3);
        for (var b = 1; b < 3; b++)
        {
            for (var t = (int)data.Lengths[b]; t < 10; t++)
            {
                data.Targets[b, t] = rng.Next(-5, 9);
                for (var c = 0; c < classes; c++)
                {
                    data.Logits[b, t, c] = rng.Next(2) == 0 ? 100 : -100;
                }
            }
        }
        var (after, gradientAfter) = data.LossAndGradient(config);
        Assert.Equal(before, after, 14);
        var weights = data.FrameWeights(config);
        for (var b = 0; b < 3; b++)
        {
            for (var t = 0; t < 10; t++)
            {
                var padding = t >= data.Lengths[b];
                for (var c = 0; c < classes; c++)
                {
                    var i = (b * 10 + t) * classes + c;
                    if (padding)
                    {
                        Assert.Equal(0.0, gradient[i]);
                        Assert.Equal(0.0, gradientAfter[i]);
                    }
                    else
                    {
                        Assert.Equal(gradient[i], gradientAfter[i], 14);
                    }
                }
                if (padding)
                {
                    Assert.Equal(0.0, weights[b, t]);
                }
            }
        }
    }
}
