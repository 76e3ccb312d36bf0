using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

public sealed class NoiseGeneratorTests
{
    [Fact]
    public void GeneratedNoiseIsSeededAndHasTheRequestedLevel()
    {
        foreach (var color in Enum.GetValues<NoiseColor>())
        {
            var a = NoiseGenerator.Generate(color, 16000, 3, 0.05);
            Assert.Equal(a, NoiseGenerator.Generate(color, 16000, 3, 0.05));
            Assert.NotEqual(a, NoiseGenerator.Generate(color, 16000, 4, 0.05));
            var rms = Math.Sqrt(a.Sum(v => (double)v * v) / a.Length);
            Assert.Equal(0.05, rms, 3);
        }
    }
}
