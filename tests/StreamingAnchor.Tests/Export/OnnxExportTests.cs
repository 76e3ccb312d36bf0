using StreamingAnchor.Audio;
using StreamingAnchor.Export;
using StreamingAnchor.Models;
using StreamingAnchor.Tests.Models;
using TorchSharp;

namespace StreamingAnchor.Tests.Export;

public class OnnxExportTests
{
    [Theory]
    [InlineData("gru", 0, 1, 40)]
    [InlineData("lstm", 0, 1, 40)]
    [InlineData("tcn", 0, 1, 40)]
    [InlineData("dscnn", 0, 1, 40)]
    [InlineData("crnn", 0, 1, 40)]
    [InlineData("gru", 2, 3, 44)]
    [InlineData("lstm", 1, 2, 44)]
    [InlineData("tcn", 3, 3, 44)]
    [InlineData("crnn", 2, 2, 44)]
    public void OnnxRuntimeFrameByFrameMatchesTorchSharp(string family, int lookAhead, int classes, int inputDim)
    {
        using var folder = new ScratchDir();
        using var model = StreamingHarness.Build(family, "small", inputDim, classes, lookAhead);
        var path = folder.File("m.onnx");
        OnnxExporter.Export(model, path);

        const int frames = 30;
        using var x = StreamingHarness.Features(1, frames, inputDim);
        using var onnx = new OnnxStreamingModel(path);
        Assert.Equal(inputDim, onnx.InputDim);
        Assert.Equal(classes, onnx.NumClasses);
        Assert.Equal(lookAhead, onnx.LookAhead);

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

        // The state itself must match too, tensor by tensor.
        for (var i = 0; i < torchState.Tensors.Count; i++)
        {
            var s = torchState.Tensors[i].contiguous().data<float>().ToArray();
            worst = Math.Max(worst, s.Zip(onnxState.Buffers[i], (a, b) => (double)Math.Abs(a - b)).Max());
        }

        torchState.Dispose();
        Assert.True(worst < 1e-4, $"{family}: max |torch - onnx| = {worst}");
        Assert.Equal(frames, onnxState.FramesSeen);
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
