using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Export;
using StreamingAnchor.Inference;
using StreamingAnchor.Models;
using StreamingAnchor.Training;
using TorchSharp;

namespace StreamingAnchor.Tests.Models;

[Collection(LibTorchRngCollection.Name)]
public class StreamingPipelineTests
{
    /// <summary>A chirp with noise bursts: varied log-mel frames, deterministic.</summary>
    internal static float[] Audio(int samples, int seed = 3)
    {
        var rng = new Random(seed);
        var x = new float[samples];
        for (var i = 0; i < samples; i++)
        {
            var t = i / 16000.0;
            var burst = (i / 2400) % 3 == 0 ? 0.2 * (rng.NextDouble() - 0.5) : 0;
            x[i] = (float)(0.3 * Math.Sin(2 * Math.PI * (200 + 900 * t) * t) + burst);
        }

        return x;
    }

    internal static FeatureNormalizer Normalizer(FbankConfig fbank, float[] audio) =>
        FeatureNormalizer.Fit([new FbankExtractor(fbank).Compute(audio)]);

    [Theory]
    [InlineData(ModelFamily.Gru, 0, 160)]
    [InlineData(ModelFamily.Tcn, 2, 160)]
    [InlineData(ModelFamily.Crnn, 1, 592)]
    [InlineData(ModelFamily.Dscnn, 0, 1)]
    public void StreamedPosteriorsEqualOfflineFeaturesThroughTheOfflineModelDelayedByTheLookAhead(ModelFamily family, int lookAhead, int chunk)
    {
        var fbank = new FbankConfig();
        var audio = Audio(9000);
        var normalizer = Normalizer(fbank, audio);
        using var model = StreamingHarness.Build(family, ModelSize.Small, lookAhead: lookAhead);
        using var scorer = new TorchStreamingScorer(model);
        var pipeline = new StreamingPipeline(scorer, fbank, normalizer, new DetectorConfig());
        var result = pipeline.Run(audio, chunk);

        var features = new FbankExtractor(fbank).Compute(audio);
        normalizer.ApplyInPlace(features);
        Assert.Equal(features.Frames, result.Frames);
        using var x = torch.tensor(features.Data, [1, features.Frames, features.Dim]);
        using var logits = StreamingHarness.Offline(model, x);
        using var probs = torch.sigmoid(logits);
        var expected = probs.data<float>().ToArray();

        // Posterior i is what the device holds after frame i: frame i - k's output, zeros during warm-up.
        Assert.All(result.Posteriors.Take(lookAhead), p => Assert.Equal(0f, p));
        var worst = expected.Take(features.Frames - lookAhead).Zip(result.Posteriors.Skip(lookAhead), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-5, $"max |offline - streamed| = {worst}");
    }

    [Fact]
    public void OnnxAndTorchPipelinesAgreeAndDetectionsAreStampedWithFrameEndTimes()
    {
        using var folder = new ScratchDir();
        var fbank = new FbankConfig();
        var audio = Audio(12000);
        var normalizer = Normalizer(fbank, audio);
        using var model = StreamingHarness.Build(ModelFamily.Lstm, ModelSize.Small, classes: 3, lookAhead: 1);
        var path = folder.File("m.onnx");
        OnnxExporter.Export(model, path);

        // A low threshold and no smoothing make detections certain, so their stamps can be checked.
        var detector = new DetectorConfig { Threshold = 0.05, SmoothingFrames = 1, RefractorySeconds = 0.2 };
        using var torchScorer = new TorchStreamingScorer(model);
        var torchResult = new StreamingPipeline(torchScorer, fbank, normalizer, detector).Run(audio, 160);
        using var onnxModel = new OnnxStreamingModel(path);
        using var onnxScorer = new OnnxStreamingScorer(onnxModel);
        var pipeline = new StreamingPipeline(onnxScorer, fbank, normalizer, detector);
        var onnxResult = pipeline.Run(audio, 160);

        Assert.Equal(2, onnxResult.Classes);
        Assert.Equal(torchResult.Frames, onnxResult.Frames);
        Assert.True(torchResult.Posteriors.Zip(onnxResult.Posteriors, (a, b) => Math.Abs(a - b)).Max() < 1e-4);
        Assert.NotEmpty(onnxResult.Detections);
        Assert.Equal(torchResult.Detections.Select(d => (d.Frame, d.Label)), onnxResult.Detections.Select(d => (d.Frame, d.Label)));
        foreach (var d in onnxResult.Detections)
        {
            Assert.Equal(0.025 + 0.010 * d.Frame, d.Time, 9);
        }

        var csv = folder.File("trace.csv");
        PosteriorTraceCsv.Write(csv, onnxResult, pipeline.FrameEndTime, ["hey", "stop"]);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("time_s,posterior_hey,posterior_stop", lines[0]);
        Assert.Equal(onnxResult.Frames + 1, lines.Length);
        Assert.StartsWith("0.025,", lines[1]);
        Assert.StartsWith("0.035,", lines[2]);
        Assert.Equal(onnxResult.Posteriors[2 * 4 + 1], float.Parse(lines[5].Split(',')[2]), 5);
    }

    /// <summary>
    /// `sal eval` (RunEvaluator.Score) and `sal stream` (a run opened by RunScorer, pushed through StreamingPipeline) are
    /// one loop (one code path): the same posteriors to float rounding at eval's chunk size and at sal stream's default 10 ms.
    /// </summary>
    [Theory]
    [InlineData(ModelFamily.Tcn, 2, 1)]
    [InlineData(ModelFamily.Gru, 0, 3)]
    public void SalStreamAndSalEvalSeeTheSamePosteriors(ModelFamily family, int lookAhead, int classes)
    {
        using var folder = new ScratchDir();
        var fbank = new FbankConfig();
        var audio = Audio(11000);
        using (var model = StreamingHarness.Build(family, ModelSize.Small, classes: classes, lookAhead: lookAhead))
        {
            var run = new RunDirectory(folder.File("run"));
            run.SaveModel(model, classes == 1 ? ["hey"] : ["hey", "stop"]);
            run.SaveFrontEnd(fbank);
            run.SaveNormalizer(Normalizer(fbank, audio));
        }

        WavFile.Write(folder.File("a.wav"), audio, 16000);
        var manifest = folder.File("m.jsonl");
        File.WriteAllText(manifest, $"{{\"id\":\"a\",\"audio\":\"a.wav\",\"duration\":{audio.Length / 16000.0:0.######},\"split\":\"test\"}}\n");
        var evaluated = RunEvaluator.Score(folder.File("run"), manifest).Traces.Single().Posteriors;

        using var opened = RunScorer.Open(folder.File("run"));
        var pipeline = opened.Pipeline(new DetectorConfig());
        var wav = WavFile.Read(folder.File("a.wav"), 16000).Samples;
        // Same code path; the last bit can still move with libtorch's thread count, which tests running beside this one set.
        var same = pipeline.Run(wav, RunEvaluator.ChunkSamples).Posteriors;
        Assert.Equal(evaluated.Length, same.Length);
        Assert.True(evaluated.Zip(same, (a, b) => Math.Abs(a - b)).Max() < 1e-6);
        var streamed = pipeline.Run(wav, 160).Posteriors;
        Assert.Equal(evaluated.Length, streamed.Length);
        Assert.True(evaluated.Zip(streamed, (a, b) => Math.Abs(a - b)).Max() < 1e-5);
        Assert.Contains(evaluated, p => p > 0);
    }

    [Fact]
    public void AFrontEndThatDoesNotMatchTheModelIsRejected()
    {
        using var model = StreamingHarness.Build(ModelFamily.Gru, ModelSize.Small, inputDim: 44);
        using var scorer = new TorchStreamingScorer(model);
        var e = Assert.Throws<ArgumentException>(() =>
            new StreamingPipeline(scorer, new FbankConfig(), FeatureNormalizer.Identity(44), new DetectorConfig()));
        Assert.Contains("44", e.Message);
    }
}
