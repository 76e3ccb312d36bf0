using StreamingAnchor.Anchors;

namespace StreamingAnchor.Tests.Anchors;

public class SignificanceKernelTests
{
    [Theory]
    [InlineData("exp", 8.0, 0.36787944117144233)]      // exp(-8/8)
    [InlineData("gaussian", 8.0, 0.6065306597126334)]  // exp(-8^2 / (2 * 8^2))
    [InlineData("triangular", 4.0, 0.5)]              // 1 - 4/8
    [InlineData("box", 8.0, 1.0)]                     // d <= W
    [InlineData("box", 8.001, 0.0)]
    [InlineData("triangular", 9.0, 0.0)]
    public void ValuesMatchTheFormulas(string shape, double distance, double expected)
    {
        var kernel = SignificanceKernel.Symmetric(EnumNames.Parse<KernelShape>(shape, "kernel"), 8);
        Assert.Equal(expected, kernel.Value(distance), 14);
        Assert.Equal(expected, kernel.Value(-distance), 14);
        Assert.Equal(1.0, kernel.Value(0));
    }

    [Theory]
    [InlineData("exp")]
    [InlineData("gaussian")]
    [InlineData("triangular")]
    [InlineData("box")]
    public void ZeroSpreadMakesThatSideZero(string shape)
    {
        var causal = new SignificanceKernel(EnumNames.Parse<KernelShape>(shape, "kernel"), SpreadBefore: 5, SpreadAfter: 0);
        Assert.Equal(1.0, causal.Value(0));
        Assert.Equal(0.0, causal.Value(0.25));
        Assert.Equal(0.0, causal.Value(3));
        Assert.True(causal.Value(-2) > 0);
    }

    [Fact]
    public void ClippingZeroesFarFrames()
    {
        var kernel = SignificanceKernel.Symmetric(KernelShape.Exponential, 8, maxDistance: 10);
        Assert.Equal(Math.Exp(-10.0 / 8), kernel.Value(10), 14);
        Assert.Equal(0.0, kernel.Value(10.5));
        Assert.Equal(0.0, kernel.Value(-10.5));
    }

    [Theory]
    [InlineData(-1, 2)]
    [InlineData(2, double.NaN)]
    [InlineData(2, double.PositiveInfinity)]
    public void BadSpreadsAreRejected(double before, double after)
    {
        var error = Assert.Throws<ArgumentException>(() => new SignificanceKernel(KernelShape.Gaussian, before, after).Validate());
        Assert.Contains("spread", error.Message);
    }

    [Fact]
    public void UnknownKernelNameIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => EnumNames.Parse<KernelShape>("cosine", "kernel"));
        Assert.Equal("unknown kernel 'cosine' (expected exp, gaussian, triangular or box)", error.Message);
    }
}
