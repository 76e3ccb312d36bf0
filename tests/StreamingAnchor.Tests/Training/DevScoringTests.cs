using StreamingAnchor.Models;
using StreamingAnchor.Training;
using TorchSharp;

namespace StreamingAnchor.Tests.Training;

[Collection(LibTorchRngCollection.Name)]
public class DevScoringTests
{
    /// <summary>
    /// Scoring a batch a few rows at a time, or a row in time chunks through the step, gives the one-pass forward's
    /// logits: the bounds only change memory. The caller's features stay usable (the forward releases only its own
    /// intermediate activations).
    /// </summary>
    [Theory]
    [InlineData(ModelFamily.Tcn, 0, 30_000, DevScoring.DefaultBatchFrames)]
    [InlineData(ModelFamily.Tcn, 0, 30_000, 240)]
    [InlineData(ModelFamily.Tcn, 2, 37, 100)]
    [InlineData(ModelFamily.Gru, 0, 30_000, 1)]
    [InlineData(ModelFamily.Crnn, 1, 41, 360)]
    public void BoundedScoringEqualsOnePass(ModelFamily family, int lookAhead, int chunkFrames, long batchFrames)
    {
        torch.manual_seed(7);
        using var model = ModelFactory.Create(new ModelConfig { Family = family, Preset = ModelSize.Small, LookAhead = lookAhead }, 40, 1);
        model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var features = torch.randn(5, 120, 40);
        var reference = model.forward(features);
        var bounded = DevScoring.OfflineLogits(model, features, chunkFrames, batchFrames);
        Assert.Equal(reference.shape, bounded.shape);
        var worst = (reference - bounded).abs().max().item<float>();
        Assert.True(worst < 1e-5, $"max |one pass - bounded| = {worst}");
        Assert.Equal(5 * 120 * 40, features.numel());
        Assert.True(float.IsFinite(features.sum().item<float>()));
    }
}
