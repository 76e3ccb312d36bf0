using StreamingAnchor.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Models;

[Collection(LibTorchRngCollection.Name)]
public class StreamingEquivalenceTests
{
    public static TheoryData<ModelFamily, ModelSize> FamiliesAndPresets()
    {
        var data = new TheoryData<ModelFamily, ModelSize>();
        foreach (var family in ModelPreset.Families)
        {
            foreach (var preset in ModelPreset.Sizes)
            {
                data.Add(family, preset);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FamiliesAndPresets))]
    public void StreamingInAnyChunkSizeMatchesOffline(ModelFamily family, ModelSize preset)
    {
        using var model = StreamingHarness.Build(family, preset);
        StreamingHarness.AssertLongEnough(model);
        const int frames = StreamingHarness.EquivalenceFrames;
        using var x = StreamingHarness.Features(2, frames, 40);
        using var offline = StreamingHarness.Offline(model, x);
        Assert.Equal([2L, frames, 1L], offline.shape);
        foreach (var chunk in new[] { 1, 3, 16, 97, frames })
        {
            using var streamed = StreamingHarness.Stream(model, x, chunk);
            var diff = StreamingHarness.MaxAbsDiff(offline, streamed);
            Assert.True(diff < 1e-5, $"{family}/{preset} chunk {chunk}: max |offline - streamed| = {diff}");
        }
    }

    [Theory]
    [MemberData(nameof(StreamingHarness.Families), MemberType = typeof(StreamingHarness))]
    public void ARunningMeanStreamsInAnyChunkSizeAsOfflineAcrossItsBlocks(ModelFamily family)
    {
        using var model = StreamingHarness.Build(family, ModelSize.Small, runningMean: 30);
        // Longer than one offline block, so the offline pass carries the state across a block boundary.
        var frames = RunningMeanLayer.Block + 44;
        using var x = StreamingHarness.Features(2, frames, 40);
        using var offline = StreamingHarness.Offline(model, x);
        foreach (var chunk in new[] { 1, 3, 97, frames })
        {
            using var streamed = StreamingHarness.Stream(model, x, chunk);
            var diff = StreamingHarness.MaxAbsDiff(offline, streamed);
            Assert.True(diff < 1e-5, $"{family} chunk {chunk}: max |offline - streamed| = {diff}");
        }
    }

    [Theory]
    [MemberData(nameof(StreamingHarness.Families), MemberType = typeof(StreamingHarness))]
    public void MultiModalInputsAndSeveralClassesStreamExactly(ModelFamily family)
    {
        using var model = StreamingHarness.Build(family, ModelSize.Small, inputDim: 44, classes: 3);
        using var x = StreamingHarness.Features(1, 30, 44);
        using var offline = StreamingHarness.Offline(model, x);
        Assert.Equal([1L, 30L, 3L], offline.shape);
        using var streamed = StreamingHarness.Stream(model, x, 3);
        Assert.True(StreamingHarness.MaxAbsDiff(offline, streamed) < 1e-5);
    }

    [Theory]
    [MemberData(nameof(StreamingHarness.Families), MemberType = typeof(StreamingHarness))]
    public void InterleavedStreamsWithSeparateStatesDoNotInterfere(ModelFamily family)
    {
        using var model = StreamingHarness.Build(family, ModelSize.Small);
        using var a = StreamingHarness.Features(1, 24, 40, seed: 1);
        using var b = StreamingHarness.Features(1, 24, 40, seed: 2);
        using var offlineA = StreamingHarness.Offline(model, a);
        using var offlineB = StreamingHarness.Offline(model, b);

        var stateA = model.InitialState(1);
        var stateB = model.InitialState(1);
        var rowsA = new List<Tensor>();
        var rowsB = new List<Tensor>();
        for (var t = 0; t < 24; t += 2)
        {
            using var pa = a.narrow(1, t, 2);
            var (ya, na) = model.Step(pa, stateA);
            stateA.Dispose();
            stateA = na;
            rowsA.Add(ya);
            using var pb = b.narrow(1, t, 2);
            var (yb, nb) = model.Step(pb, stateB);
            stateB.Dispose();
            stateB = nb;
            rowsB.Add(yb);
        }

        using var streamedA = torch.cat(rowsA, 1);
        using var streamedB = torch.cat(rowsB, 1);
        Assert.True(StreamingHarness.MaxAbsDiff(offlineA, streamedA) < 1e-5);
        Assert.True(StreamingHarness.MaxAbsDiff(offlineB, streamedB) < 1e-5);
        Assert.True(StreamingHarness.MaxAbsDiff(offlineA, offlineB) > 1e-4, "different inputs should give different outputs");
        stateA.Dispose();
        stateB.Dispose();
    }

    [Theory]
    [MemberData(nameof(StreamingHarness.Families), MemberType = typeof(StreamingHarness))]
    public void ResetGivesAFreshStateAndReplaysTheSameOutputs(ModelFamily family)
    {
        using var model = StreamingHarness.Build(family, ModelSize.Small);
        using var x = StreamingHarness.Features(1, 12, 40);
        using var fresh = model.InitialState(1);
        Assert.All(fresh.Tensors, t => Assert.Equal(0f, t.abs().max().item<float>()));

        var (first, used) = model.Step(x, fresh);
        Assert.True(used.Tensors.Any(t => t.abs().max().item<float>() > 0), "state should change after input");

        using var reset = model.InitialState(1);
        Assert.Equal(fresh.Tensors.Select(t => t.shape).ToArray(), reset.Tensors.Select(t => t.shape).ToArray());
        Assert.All(reset.Tensors, t => Assert.Equal(0f, t.abs().max().item<float>()));
        var (second, again) = model.Step(x, reset);
        Assert.Equal(0.0, StreamingHarness.MaxAbsDiff(first, second));

        // Step leaves its input state untouched, so replaying from the same state repeats the outputs.
        var (third, last) = model.Step(x, fresh);
        Assert.Equal(0.0, StreamingHarness.MaxAbsDiff(first, third));
        foreach (var d in new IDisposable[] { first, used, second, again, third, last })
        {
            d.Dispose();
        }
    }
}
