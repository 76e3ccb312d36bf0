using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Export;
using StreamingAnchor.Models;
using TorchSharp;

namespace StreamingAnchor.Tests.Models;

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
    [InlineData("gru", 0, 160)]
    [InlineData("tcn", 2, 160)]
    [InlineData("crnn", 1, 592)]
    [InlineData("dscnn", 0, 1)]
    public void StreamedPosteriorsEqualOfflineFeaturesThroughTheOfflineModelDelayedByTheLookAhead(string family, int lookAhead, int chunk)
    {
        var fbank = new FbankConfig();
        var audio = Audio(9000);
        var normalizer = Normalizer(fbank, audio);
        using var model = StreamingHarness.Build(family, "small", lookAhead: lookAhead);
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
        using var model = StreamingHarness.Build("lstm", "small", classes: 3, lookAhead: 1);
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

    [Theory]
    [InlineData("tcn", 2, 1)]
    [InlineData("gru", 0, 3)]
    public void SalStreamAndSalEvalSeeTheSamePosteriors(string family, int lookAhead, int classes)
    {
        var fbank = new FbankConfig();
        var audio = Audio(11000);
        var normalizer = Normalizer(fbank, audio);
        using var model = StreamingHarness.Build(family, "small", classes: classes, lookAhead: lookAhead);
        using var scorer = new TorchStreamingScorer(model);
        var ours = new StreamingPipeline(scorer, fbank, normalizer, new DetectorConfig()).Run(audio, RunEvaluator.ChunkSamples);
        var theirs = RunEvaluator.Stream(model, fbank, normalizer, audio);
        Assert.Equal(theirs.Length, ours.Posteriors.Length);
        Assert.True(theirs.Zip(ours.Posteriors, (a, b) => Math.Abs(a - b)).Max() < 1e-5);
    }

    [Fact]
    public void AFrontEndThatDoesNotMatchTheModelIsRejected()
    {
        using var model = StreamingHarness.Build("gru", "small", inputDim: 44);
        using var scorer = new TorchStreamingScorer(model);
        var e = Assert.Throws<ArgumentException>(() =>
            new StreamingPipeline(scorer, new FbankConfig(), FeatureNormalizer.Identity(44), new DetectorConfig()));
        Assert.Contains("44", e.Message);
    }
}
