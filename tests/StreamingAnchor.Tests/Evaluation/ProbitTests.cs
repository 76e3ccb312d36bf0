using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Tests.Evaluation;

public sealed class ProbitTests
{
    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.841344746068543, 1.0)]
    [InlineData(0.001, -3.090232306167813)]
    [InlineData(1e-6, -4.753424308822899)]
    public void MatchesTheNormalQuantiles(double p, double z)
    {
        Assert.Equal(z, Probit.Of(p), 6);
        Assert.Equal(-z, Probit.Of(1 - p), 6);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void RefusesProbabilitiesOutsideTheOpenInterval(double p)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Probit.Of(p));
    }
}
