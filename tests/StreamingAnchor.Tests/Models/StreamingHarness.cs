using StreamingAnchor.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Models;

/// <summary>Runs a model chunk by chunk the way a device would, and aligns the delayed rows with offline frames.</summary>
internal static class StreamingHarness
{
    /// <summary>Every model family the factory builds, as theory data, so a new family is tested everywhere at once.</summary>
    public static TheoryData<string> Families => new(ModelPreset.Families);

    public static StreamingModel Build(string family, string preset, int inputDim = 40, int classes = 1, int lookAhead = 0, long seed = 7)
    {
        torch.manual_seed(seed);
        var model = ModelFactory.Create(new ModelConfig { Family = family, Preset = preset, LookAhead = lookAhead }, inputDim, classes);
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
