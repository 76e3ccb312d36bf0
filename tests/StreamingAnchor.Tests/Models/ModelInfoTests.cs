using StreamingAnchor.Models;
using TorchSharp;

namespace StreamingAnchor.Tests.Models;

[Collection(LibTorchRngCollection.Name)]
public class ModelInfoTests
{
    [Theory]
    [MemberData(nameof(StreamingEquivalenceTests.FamiliesAndPresets), MemberType = typeof(StreamingEquivalenceTests))]
    public void PresetsHaveTheAdvertisedSize(ModelFamily family, ModelSize preset)
    {
        using var model = ModelFactory.Create(new ModelConfig { Family = family, Preset = preset }, 40, 1);
        var info = ModelInfo.Of(model);
        var target = preset switch { ModelSize.Small => 30_000, ModelSize.Medium => 100_000, _ => 300_000 };
        Assert.InRange(info.Parameters, (long)(target * 0.8), (long)(target * 1.2));
        Assert.True(info.MacsPerFrame > 0.8 * info.Parameters && info.MacsPerFrame < 5 * info.Parameters);
        Assert.True(info.StateFloats > 0);
    }

    [Theory]
    [InlineData(ModelFamily.Tcn)]
    [InlineData(ModelFamily.Dscnn)]
    public void ConvReceptiveFieldMatchesTheFramesThatMatter(ModelFamily family)
    {
        torch.manual_seed(3);
        using var model = ModelFactory.Create(new ModelConfig { Family = family, Preset = ModelSize.Small, LookAhead = 1 }, 40, 1);
        model.eval();
        var rf = ModelInfo.Of(model).ReceptiveField!.Value;
        var frames = rf + 10;
        using var x = StreamingHarness.Features(1, frames, 40);
        using var baseline = StreamingHarness.Offline(model, x);
        var t = frames - 3;
        var oldest = t + 1 - (rf - 2); // output t sees rf frames: oldest..t+1 (look-ahead 1)

        using var before = x.clone();
        before[0, oldest - 1] = torch.randn(40) * 3;
        using var outBefore = StreamingHarness.Offline(model, before);
        Assert.Equal(0.0, StreamingHarness.MaxAbsDiff(baseline.narrow(1, t, 1), outBefore.narrow(1, t, 1)));

        using var inside = x.clone();
        inside[0, oldest] = torch.randn(40) * 3;
        using var outInside = StreamingHarness.Offline(model, inside);
        Assert.True(StreamingHarness.MaxAbsDiff(baseline.narrow(1, t, 1), outInside.narrow(1, t, 1)) > 0);
    }

    [Fact]
    public void RecurrentModelsHaveAnUnboundedReceptiveFieldAndCountTheirState()
    {
        using var model = ModelFactory.Create(new ModelConfig { Family = ModelFamily.Lstm, Hidden = 32, Layers = 2 }, 40, 1);
        var info = ModelInfo.Of(model);
        Assert.Null(info.ReceptiveField);
        Assert.Equal(2 * 2 * 32, info.StateFloats);
        Assert.Equal(4L * 32 * (40 + 32) + 4L * 32 * (32 + 32) + 32, info.MacsPerFrame);
        Assert.Equal(4L * 32 * (40 + 32 + 2) + 4L * 32 * (32 + 32 + 2) + 33, info.Parameters);
    }

    [Fact]
    public void BadConfigsFailWithAClearMessage()
    {
        // Only a cast can make a value no name stands for (files and flags are checked by name).
        var e = Assert.Throws<ArgumentException>(() => ModelFactory.Create(new ModelConfig { Family = (ModelFamily)99 }, 40, 1));
        Assert.Contains("expected gru, lstm, tcn, dscnn or crnn", e.Message);
        e = Assert.Throws<ArgumentException>(() => ModelFactory.Create(new ModelConfig { Preset = (ModelSize)7 }, 40, 1));
        Assert.Contains("expected small, medium or large", e.Message);
        e = Assert.Throws<ArgumentException>(() => ModelFactory.Create(new ModelConfig { Family = ModelFamily.Gru, Layers = 4 }, 40, 1));
        Assert.Contains("1-3", e.Message);
    }
}
