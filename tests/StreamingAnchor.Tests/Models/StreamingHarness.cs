using StreamingAnchor.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Models;

/// <summary>Runs a model chunk by chunk the way a device would, and aligns the delayed rows with offline frames.</summary>
internal static class StreamingHarness
{
    /// <summary>
    /// Stream length of the equivalence tests: at least twice the widest receptive field of the model zoo (127 frames
    /// for tcn and dscnn, `sal model info`), so every conv ring buffer fills and is wholly replaced more than once and the
    /// recurrent states run long past any start-up effect. <see cref="AssertLongEnough"/> keeps it true as presets change.
    /// </summary>
    public const int EquivalenceFrames = 260;

    /// <summary>Fails when <see cref="EquivalenceFrames"/> is less than twice the model's receptive field.</summary>
    public static void AssertLongEnough(StreamingModel model)
    {
        var field = ModelInfo.Of(model).ReceptiveField ?? 0;
        Assert.True(EquivalenceFrames >= 2 * field, $"{EquivalenceFrames} frames are less than twice the receptive field of {field} frames");
    }

    /// <summary>Every model family the factory builds, as theory data, so a new family is tested everywhere at once.</summary>
    public static TheoryData<ModelFamily> Families => new(ModelPreset.Families);

    public static StreamingModel Build(ModelFamily family, ModelSize preset, int inputDim = 40, int classes = 1, int lookAhead = 0, long seed = 7,
        int? runningMean = null)
    {
        torch.manual_seed(seed);
        var model = ModelFactory.Create(new ModelConfig { Family = family, Preset = preset, LookAhead = lookAhead, RunningMeanFrames = runningMean }, inputDim, classes);
        model.eval();
        return model;
    }

    public static Tensor Features(int batch, int frames, int dim, long seed = 11)
    {
        var gen = new torch.Generator((ulong)seed);
        return torch.randn([batch, frames, dim], generator: gen);
    }

    public static Tensor Offline(StreamingModel model, Tensor x)
    {
        using var noGrad = torch.no_grad();
        return model.call(x);
    }

    /// <summary>Streams x in chunks of <paramref name="chunk"/> frames, flushes, and returns the rows for frames 0..T-1.</summary>
    public static Tensor Stream(StreamingModel model, Tensor x, int chunk)
    {
        var frames = (int)x.shape[1];
        var state = model.InitialState((int)x.shape[0]);
        var rows = new List<Tensor>();
        for (var start = 0; start < frames; start += chunk)
        {
            var n = Math.Min(chunk, frames - start);
            using var piece = x.narrow(1, start, n);
            var (y, next) = model.Step(piece, state);
            state.Dispose();
            state = next;
            rows.Add(y);
        }

        var (tail, last) = model.Flush(state, (int)x.shape[0]);
        state.Dispose();
        last.Dispose();
        rows.Add(tail);
        using var all = torch.cat(rows, 1);
        foreach (var r in rows)
        {
            r.Dispose();
        }

        return all.narrow(1, model.LookAhead, frames).clone();
    }

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var d = (a - b).abs().max();
        return d.item<float>();
    }
}
