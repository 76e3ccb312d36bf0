using StreamingAnchor.Audio;
using StreamingAnchor.Export;
using StreamingAnchor.Models;
using StreamingAnchor.Tests.Models;
using TorchSharp;

namespace StreamingAnchor.Tests.Export;

[Collection(LibTorchRngCollection.Name)]
public class OnnxExportTests
{
    public static TheoryData<string, int, int, int, OnnxStepGraph> FrameByFrameCases()
    {
        var data = new TheoryData<string, int, int, int, OnnxStepGraph>();
        (string, int, int, int)[] cases =
        [
            ("gru", 0, 1, 40), ("lstm", 0, 1, 40), ("tcn", 0, 1, 40), ("dscnn", 0, 1, 40), ("crnn", 0, 1, 40),
            ("gru", 2, 3, 44), ("lstm", 1, 2, 44), ("tcn", 3, 3, 44), ("crnn", 2, 2, 44), ("dscnn", 1, 2, 44),
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
    public void OnnxRuntimeFrameByFrameMatchesTorchSharp(string family, int lookAhead, int classes, int inputDim, OnnxStepGraph graph)
    {
        using var folder = new ScratchDir();
        using var model = StreamingHarness.Build(family, "small", inputDim, classes, lookAhead);
        var path = folder.File("m.onnx");
        OnnxExporter.Export(model, path, graph: graph);

        StreamingHarness.AssertLongEnough(model);
        const int frames = StreamingHarness.EquivalenceFrames;
        using var x = StreamingHarness.Features(1, frames, inputDim);
        using var onnx = new OnnxStreamingModel(path);
        Assert.Equal(inputDim, onnx.InputDim);
        Assert.Equal(classes, onnx.NumClasses);
        Assert.Equal(lookAhead, onnx.LookAhead);
        Assert.Equal(graph == OnnxStepGraph.SingleFrame, onnx.SingleFrame);

        var torchState = model.InitialState(1);
        using var onnxState = onnx.InitialState();
        var data = x.contiguous().data<float>().ToArray();
        var worst = 0.0;
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
    /// The single-frame graph's node budget, as designed: TCN blocks cost 5 exported nodes (Gemm + ReLU twice, the
    /// residual Add) and 3 after ONNX Runtime fuses Gemm + ReLU; DS-CNN blocks 3 and 2 (the depthwise conv is folded into
    /// the 1x1 Gemm); plus a fixed part per model (past sums, ring buffer update, head). A new node per layer fails here.
    /// </summary>
    [Theory]
    [InlineData("gru", 1, 4, 4, 0, 0)]
    [InlineData("lstm", 1, 4, 4, 0, 0)]
    [InlineData("crnn", 1, 10, 9, 0, 0)]
    [InlineData("tcn", 6, 13, 12, 5, 3)]
    [InlineData("tcn", 3, 13, 12, 5, 3)]
    [InlineData("dscnn", 5, 18, 17, 3, 2)]
    [InlineData("dscnn", 2, 18, 17, 3, 2)]
    public void SingleFrameGraphHasTheDesignedNodesPerLayer(string family, int layers, int fixedNodes, int fixedOptimized, int perBlock, int perBlockOptimized)
    {
        using var folder = new ScratchDir();
        torch.manual_seed(3);
        using var model = ModelFactory.Create(new ModelConfig { Family = family, Preset = "small", Layers = layers }, 40, 1);
        model.eval();
        var path = folder.File("m.onnx");
        var proto = OnnxExporter.Build(model);
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));
        var blocks = family is "tcn" or "dscnn" ? layers : 0;
        Assert.Equal(fixedNodes + perBlock * blocks, proto.Graph.Node.Count);
        Assert.Equal(fixedOptimized + perBlockOptimized * blocks, OnnxSession.OptimizedNodeCount(path, folder.File("optimized.onnx")));
        // The multi-frame graph of the same model is what the single-frame graph replaced: it must stay the larger one.
        Assert.True(OnnxExporter.Build(model, graph: OnnxStepGraph.MultiFrame).Graph.Node.Count > proto.Graph.Node.Count);
    }

    [Fact]
    public void MixedChunkSizesAndResetWorkInOnnxRuntime()
    {
        using var folder = new ScratchDir();
        using var model = StreamingHarness.Build("tcn", "small", lookAhead: 1);
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
        using var model = ModelFactory.Create(new ModelConfig { Family = "gru", Hidden = 16 }, 40, 1);
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
