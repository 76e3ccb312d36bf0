using StreamingAnchor.Audio;
using StreamingAnchor.Export;
using StreamingAnchor.Models;
using StreamingAnchor.Tests.Models;
using TorchSharp;

namespace StreamingAnchor.Tests.Export;

[Collection(LibTorchRngCollection.Name)]
public class OnnxExportTests
{
    public static TheoryData<ModelFamily, int, int, int, OnnxStepGraph> FrameByFrameCases()
    {
        var data = new TheoryData<ModelFamily, int, int, int, OnnxStepGraph>();
        (ModelFamily, int, int, int)[] cases =
        [
            (ModelFamily.Gru, 0, 1, 40), (ModelFamily.Lstm, 0, 1, 40), (ModelFamily.Tcn, 0, 1, 40), (ModelFamily.Dscnn, 0, 1, 40), (ModelFamily.Crnn, 0, 1, 40),
            (ModelFamily.Gru, 2, 3, 44), (ModelFamily.Lstm, 1, 2, 44), (ModelFamily.Tcn, 3, 3, 44), (ModelFamily.Crnn, 2, 2, 44), (ModelFamily.Dscnn, 1, 2, 44),
        ];
        foreach (var graph in Enum.GetValues<OnnxStepGraph>())
        {
            foreach (var (family, lookAhead, classes, inputDim) in cases)
            {
                data.Add(family, lookAhead, classes, inputDim, graph);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FrameByFrameCases))]
    public void OnnxRuntimeFrameByFrameMatchesTorchSharp(ModelFamily family, int lookAhead, int classes, int inputDim, OnnxStepGraph graph)
    {
        using var folder = new ScratchDir();
        using var model = StreamingHarness.Build(family, ModelSize.Small, inputDim, classes, lookAhead);
        var path = folder.File("m.onnx");
        OnnxExporter.Export(model, path, graph: graph);

        StreamingHarness.AssertLongEnough(model);
        const int frames = StreamingHarness.EquivalenceFrames;
        using var x = StreamingHarness.Features(1, frames, inputDim);
        using var onnx = new OnnxStreamingModel(path);
        Assert.Equal(inputDim, onnx.InputDim);
        Assert.Equal(classes, onnx.NumClasses);
        Assert.Equal(lookAhead, onnx.LookAhead);
        Assert.Equal(graph != OnnxStepGraph.MultiFrame, onnx.SingleFrame);

        var torchState = model.InitialState(1);
        using var onnxState = onnx.InitialState();
        var data = x.contiguous().data<float>().ToArray();
        // The offline forward too: row t of the stream is frame t - look-ahead.
        using var offlineRows = StreamingHarness.Offline(model, x);
        var offline = offlineRows.contiguous().data<float>().ToArray();
        var worst = 0.0;
        var worstOffline = 0.0;
        for (var t = 0; t < frames; t++)
        {
            using var frame = x.narrow(1, t, 1);
            var (y, next) = model.Step(frame, torchState);
            torchState.Dispose();
            torchState = next;
            var expected = y.data<float>().ToArray();
            y.Dispose();
            var got = onnx.Step(data.AsSpan(t * inputDim, inputDim).ToArray(), onnxState);
            Assert.Equal(classes, got.Length);
            worst = Math.Max(worst, expected.Zip(got, (a, b) => (double)Math.Abs(a - b)).Max());
            if (t >= lookAhead)
            {
                worstOffline = Math.Max(worstOffline, got.Select((v, k) => (double)Math.Abs(v - offline[((t - lookAhead) * classes) + k])).Max());
            }
        }

        // The multi-frame graph's state is Step's, tensor by tensor; the single-frame graph lays the conv buffers of
        // one width side by side, so there it holds the same floats, grouped by width in layer order.
        var torchStates = torchState.Tensors.Select(t => t.contiguous().data<float>().ToArray()).ToArray();
        var expectedStates = graph == OnnxStepGraph.MultiFrame
            ? torchStates
            : GroupByWidth(torchState.Tensors.Select(t => t.shape).ToArray(), torchStates);
        Assert.Equal(expectedStates.Length, onnxState.Buffers.Length);
        for (var i = 0; i < expectedStates.Length; i++)
        {
            Assert.Equal(expectedStates[i].Length, onnxState.Buffers[i].Length);
            worst = Math.Max(worst, expectedStates[i].Zip(onnxState.Buffers[i], (a, b) => (double)Math.Abs(a - b)).Max());
        }

        torchState.Dispose();
        Assert.True(worst < 1e-4, $"{family} {graph}: max |torch - onnx| = {worst}");
        Assert.True(worstOffline < 1e-4, $"{family} {graph}: max |offline - onnx| = {worstOffline}");
        Assert.Equal(frames, onnxState.FramesSeen);
    }

    /// <summary>
    /// Step's states in the single-frame graph's order: the conv ring buffers ([1, ctx, width]; the model zoo's hold at
    /// least 2 frames) of one width concatenated in layer order, at the first such layer's place; recurrent states
    /// ([1, 1, H]) as they are.
    /// </summary>
    private static float[][] GroupByWidth(long[][] shapes, float[][] states)
    {
        var result = new List<List<float>>();
        var byWidth = new Dictionary<long, List<float>>();
        for (var i = 0; i < shapes.Length; i++)
        {
            if (shapes[i][1] == 1)
            {
                result.Add([.. states[i]]);
            }
            else if (byWidth.TryGetValue(shapes[i][2], out var buffer))
            {
                buffer.AddRange(states[i]);
            }
            else
            {
                byWidth[shapes[i][2]] = [.. states[i]];
                result.Add(byWidth[shapes[i][2]]);
            }
        }

        return result.Select(r => r.ToArray()).ToArray();
    }

    /// <summary>
    /// The single-frame graphs' node budget, as designed: TCN blocks cost 5 exported nodes (Gemm + ReLU twice, the
    /// residual Add) and 3 after ONNX Runtime fuses Gemm + ReLU, carried 4 and 2 (no Add: the Gemms pass the block
    /// input through); DS-CNN blocks 3 and 2 (the depthwise conv is folded into the 1x1 Gemm; never carried); plus a
    /// fixed part per model (past sums, ring buffer update, head). A new node per layer fails here.
    /// </summary>
    [Theory]
    [InlineData(ModelFamily.Gru, 1, 4, 4, 0, 0, OnnxStepGraph.SingleFrame)]
    [InlineData(ModelFamily.Lstm, 1, 4, 4, 0, 0, OnnxStepGraph.SingleFrame)]
    [InlineData(ModelFamily.Crnn, 1, 10, 9, 0, 0, OnnxStepGraph.SingleFrame)]
    [InlineData(ModelFamily.Tcn, 6, 13, 12, 5, 3, OnnxStepGraph.SingleFrame)]
    [InlineData(ModelFamily.Tcn, 3, 13, 12, 5, 3, OnnxStepGraph.SingleFrame)]
    [InlineData(ModelFamily.Dscnn, 5, 18, 17, 3, 2, OnnxStepGraph.SingleFrame)]
    [InlineData(ModelFamily.Dscnn, 2, 18, 17, 3, 2, OnnxStepGraph.SingleFrame)]
    [InlineData(ModelFamily.Gru, 1, 4, 4, 0, 0, OnnxStepGraph.SingleFrameCarried)]
    [InlineData(ModelFamily.Tcn, 6, 13, 12, 4, 2, OnnxStepGraph.SingleFrameCarried)]
    [InlineData(ModelFamily.Tcn, 3, 13, 12, 4, 2, OnnxStepGraph.SingleFrameCarried)]
    [InlineData(ModelFamily.Dscnn, 5, 18, 17, 3, 2, OnnxStepGraph.SingleFrameCarried)]
    public void SingleFrameGraphHasTheDesignedNodesPerLayer(ModelFamily family, int layers, int fixedNodes, int fixedOptimized, int perBlock, int perBlockOptimized,
        OnnxStepGraph graph)
    {
        using var folder = new ScratchDir();
        torch.manual_seed(3);
        using var model = ModelFactory.Create(new ModelConfig { Family = family, Preset = ModelSize.Small, Layers = layers }, 40, 1);
        model.eval();
        var path = folder.File("m.onnx");
        var proto = OnnxExporter.Build(model, graph: graph);
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));
        var blocks = family is ModelFamily.Tcn or ModelFamily.Dscnn ? layers : 0;
        Assert.Equal(fixedNodes + perBlock * blocks, proto.Graph.Node.Count);
        Assert.Equal(fixedOptimized + perBlockOptimized * blocks, OnnxSession.OptimizedNodeCount(path, folder.File("optimized.onnx")));
        // A residual Add adds two computed tensors (a bias Add has an initializer among its inputs).
        var carried = graph == OnnxStepGraph.SingleFrameCarried && family == ModelFamily.Tcn;
        Assert.Equal(carried ? 0 : blocks, ResidualAdds(proto.Graph));
        Assert.Equal(OnnxExporter.StateShapes(model), OnnxExporter.StateShapes(model, graph));
        // The multi-frame graph of the same model is what the single-frame graph replaced: it must stay the larger one.
        Assert.True(OnnxExporter.Build(model, graph: OnnxStepGraph.MultiFrame).Graph.Node.Count > proto.Graph.Node.Count);
    }

    /// <summary>The running mean's single-frame form is its step formula: seven nodes and two state tensors, nothing else moves.</summary>
    [Theory]
    [InlineData(ModelFamily.Tcn)]
    [InlineData(ModelFamily.Gru)]
    public void ARunningMeanAddsSevenNodesAndTwoStatesToTheSingleFrameGraph(ModelFamily family)
    {
        using var plain = StreamingHarness.Build(family, ModelSize.Small);
        using var mean = StreamingHarness.Build(family, ModelSize.Small, runningMean: 30);
        var without = OnnxExporter.Build(plain).Graph;
        var with = OnnxExporter.Build(mean).Graph;
        Assert.Equal(without.Node.Count + 7, with.Node.Count);
        Assert.Equal([[1, 40], [1, 1], .. OnnxExporter.StateShapes(plain)], OnnxExporter.StateShapes(mean));
    }

    private static int ResidualAdds(Onnx.GraphProto graph)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet();
        return graph.Node.Count(n => n.OpType == "Add" && n.Input.All(i => !initializers.Contains(i)));
    }

    /// <summary>
    /// Stacks outside the model zoo: a carried pair read by a GRU (which needs the sum itself), two carried blocks in a
    /// row with a 1x1 conv inside, and a block whose input can be negative (not carried). All three graphs must agree
    /// with Step over the equivalence length.
    /// </summary>
    [Fact]
    public void CarriedBlocksFeedAnyReaderAndNeedANonNegativeInput()
    {
        using var folder = new ScratchDir();
        torch.manual_seed(5);
        ResidualLayer Block(int dilation) => new([new CausalConvLayer(16, 16, 3, dilation, 1, relu: true), new CausalConvLayer(16, 16, 1, 1, 1, relu: true)]);
        StreamingLayer[][] stacks =
        [
            [new CausalConvLayer(40, 16, 1, 1, 1, relu: true), Block(2), new GruLayer(16, 12), new LinearLayer(12, 2)],
            [new CausalConvLayer(40, 16, 1, 1, 1, relu: true), Block(1), Block(4), new LinearLayer(16, 1)],
            [new LinearLayer(40, 16), Block(2), new LinearLayer(16, 1)],
        ];
        for (var s = 0; s < stacks.Length; s++)
        {
            using var model = new StackedStreamingModel(new ModelConfig(), stacks[s]); // the config only labels a hand-built stack
            model.eval();
            using var x = StreamingHarness.Features(1, StreamingHarness.EquivalenceFrames, 40);
            var data = x.contiguous().data<float>().ToArray();
            var expected = new List<float>();
            var state = model.InitialState(1);
            for (var t = 0; t < StreamingHarness.EquivalenceFrames; t++)
            {
                using var frame = x.narrow(1, t, 1);
                var (y, next) = model.Step(frame, state);
                state.Dispose();
                state = next;
                expected.AddRange(y.data<float>().ToArray());
                y.Dispose();
            }

            state.Dispose();
            foreach (var graph in Enum.GetValues<OnnxStepGraph>())
            {
                var path = folder.File($"m{s}-{graph}.onnx");
                OnnxExporter.Export(model, path, graph: graph);
                using var onnx = new OnnxStreamingModel(path);
                using var onnxState = onnx.InitialState();
                var got = Enumerable.Range(0, StreamingHarness.EquivalenceFrames)
                    .SelectMany(t => onnx.Step(data.AsSpan(t * 40, 40).ToArray(), onnxState)).ToArray();
                var worst = expected.Zip(got, (a, b) => (double)Math.Abs(a - b)).Max();
                Assert.True(worst < 1e-4, $"stack {s} {graph}: max |torch - onnx| = {worst}");
            }

            // Only the blocks after a ReLU lose their Add; the third stack's block input comes out of a Linear layer.
            Assert.Equal(s == 2 ? 1 : 0, ResidualAdds(OnnxExporter.Build(model, graph: OnnxStepGraph.SingleFrameCarried).Graph));
        }
    }

    [Theory]
    [InlineData(ModelFamily.Tcn, OnnxStepGraph.SingleFrame)]
    [InlineData(ModelFamily.Tcn, OnnxStepGraph.SingleFrameCarried)]
    [InlineData(ModelFamily.Tcn, OnnxStepGraph.MultiFrame)]
    [InlineData(ModelFamily.Gru, OnnxStepGraph.SingleFrame)]
    [InlineData(ModelFamily.Gru, OnnxStepGraph.MultiFrame)]
    [InlineData(ModelFamily.Dscnn, OnnxStepGraph.SingleFrame)]
    public void ARunningMeanMatchesTorchSharpInEveryGraphAndAnyChunks(ModelFamily family, OnnxStepGraph graph)
    {
        using var folder = new ScratchDir();
        using var model = StreamingHarness.Build(family, ModelSize.Small, runningMean: 50);
        var path = folder.File("m.onnx");
        OnnxExporter.Export(model, path, graph: graph);
        const int frames = 300;
        using var x = StreamingHarness.Features(1, frames, 40);
        // Offsets per mel bin, as a voice or a microphone would add: the layer is there to remove them.
        using var shifted = x + torch.linspace(-3, 3, 40);
        using var offline = StreamingHarness.Offline(model, shifted);
        var expected = offline.data<float>().ToArray();
        var data = shifted.contiguous().data<float>().ToArray();

        using var onnx = new OnnxStreamingModel(path);
        Assert.Equal(graph != OnnxStepGraph.MultiFrame, onnx.SingleFrame);
        using var state = onnx.InitialState();
        var rows = new List<float>();
        var chunks = new[] { 1, 7, 1, 120, 3, 168 };
        Assert.Equal(frames, chunks.Sum());
        var t = 0;
        foreach (var n in chunks)
        {
            rows.AddRange(onnx.Step(data.AsSpan(t * 40, n * 40).ToArray(), state));
            t += n;
        }
        var worst = rows.Zip(expected, (a, b) => (double)Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-4, $"{family} {graph}: max |offline - onnx| = {worst}");
    }

    [Fact]
    public void MixedChunkSizesAndResetWorkInOnnxRuntime()
    {
        using var folder = new ScratchDir();
        using var model = StreamingHarness.Build(ModelFamily.Tcn, ModelSize.Small, lookAhead: 1);
        var path = folder.File("m.onnx");
        OnnxExporter.Export(model, path);
        using var x = StreamingHarness.Features(1, 12, 40);
        using var offline = StreamingHarness.Offline(model, x);
        var expected = offline.data<float>().ToArray();
        var data = x.contiguous().data<float>().ToArray();

        using var onnx = new OnnxStreamingModel(path);
        using var state = onnx.InitialState();
        for (var pass = 0; pass < 2; pass++)
        {
            // Single frames (pre-bound I/O) and multi-frame chunks (general path) interleave in one stream.
            var rows = new List<float>();
            foreach (var (t, n) in new[] { (0, 3), (3, 1), (4, 1), (5, 2), (7, 1), (8, 3), (11, 1) })
            {
                rows.AddRange(onnx.Step(data.AsSpan(t * 40, n * 40).ToArray(), state));
            }

            // Rows are delayed by the look-ahead of 1: row j is frame j - 1.
            for (var j = 1; j < 12; j++)
            {
                Assert.True(Math.Abs(rows[j] - expected[j - 1]) < 1e-4, $"pass {pass} row {j}");
            }

            state.Reset();
            Assert.All(state.Buffers, b => Assert.All(b, v => Assert.Equal(0f, v)));
        }
    }

    [Fact]
    public void ExportOfARunCarriesItsNormaliserFrontEndAndLabels()
    {
        using var folder = new ScratchDir();
        torch.manual_seed(1);
        using var model = ModelFactory.Create(new ModelConfig { Family = ModelFamily.Gru, Hidden = 16 }, 40, 1);
        var run = new RunDirectory(folder.File("run"));
        run.SaveModel(model, ["hey"]);
        run.SaveNormalizer(new FeatureNormalizer(Enumerable.Repeat(0.25f, 40).ToArray(), Enumerable.Repeat(2f, 40).ToArray()));
        run.SaveFrontEnd(new FbankConfig { LowFreq = 60 });
        var path = folder.File("m.onnx");
        OnnxExporter.ExportRun(run, path);
        using var onnx = new OnnxStreamingModel(path);
        Assert.Equal(["hey"], onnx.Labels);
        Assert.Equal(0.25f, onnx.Normalizer().Mean[39]);
        Assert.Equal(2f, onnx.Normalizer().Std[0]);
        Assert.Equal(new FbankConfig { LowFreq = 60 }, onnx.FrontEnd());
        Assert.Contains("\"gru\"", onnx.ModelJson);
    }

    [Fact]
    public void AFileThatIsNotAnExportFailsNamingIt()
    {
        using var folder = new ScratchDir();
        var path = folder.File("bad.onnx");
        File.WriteAllBytes(path, [1, 2, 3, 4]);
        var e = Assert.Throws<InvalidDataException>(() => new OnnxStreamingModel(path));
        Assert.Contains(path, e.Message);
        Assert.Throws<FileNotFoundException>(() => new OnnxStreamingModel(folder.File("missing.onnx")));
    }
}
