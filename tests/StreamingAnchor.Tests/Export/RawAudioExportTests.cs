using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Export;
using StreamingAnchor.Inference;
using StreamingAnchor.Models;
using StreamingAnchor.Tests.Models;

namespace StreamingAnchor.Tests.Export;

/// <summary>The raw-audio graph against `sal stream`'s loop (C# front end + the TorchSharp model) on multi-second streams.</summary>
[Collection(LibTorchRngCollection.Name)]
public class RawAudioExportTests
{
    [Theory]
    [InlineData(ModelFamily.Gru, 0, 1, 5)]
    [InlineData(ModelFamily.Tcn, 2, 1, 5)]
    [InlineData(ModelFamily.Crnn, 1, 3, 3)]
    [InlineData(ModelFamily.Dscnn, 0, 2, 1)]
    [InlineData(ModelFamily.Tcn, 0, 1, 5, 100)]
    public void GraphEqualsTheStreamingPipelineForEveryChunkSize(ModelFamily family, int lookAhead, int classes, int smoothing, int? runningMean = null)
    {
        using var folder = new ScratchDir();
        var fbank = new FbankConfig();
        var audio = Recorded(16000 * 5 + 37, seed: 5);
        var normalizer = StreamingPipelineTests.Normalizer(fbank, audio);
        using var model = StreamingHarness.Build(family, ModelSize.Small, classes: classes, lookAhead: lookAhead, runningMean: runningMean);
        var path = folder.File("raw.onnx");
        RawAudioExporter.Export(model, fbank, normalizer, smoothing, path);

        var detector = new DetectorConfig { SmoothingFrames = smoothing, Threshold = 0.3, RefractorySeconds = 0.3 };
        using var torchScorer = new TorchStreamingScorer(model);
        var reference = new StreamingPipeline(torchScorer, fbank, normalizer, detector).Run(audio, 160);
        var referenceScore = PosteriorSmoother.SmoothTrace(reference.Posteriors, reference.Classes, smoothing);
        var referenceFeatures = new FbankExtractor(fbank).Compute(audio);
        Assert.Equal(fbank.FrameCount(audio.Length), reference.Frames);

        using var onnx = new OnnxRawAudioModel(path);
        Assert.Equal(LogitPosteriors.PositiveClasses(classes), onnx.Classes);
        foreach (var chunk in new[] { 160, 480, 1600 })
        {
            var state = onnx.InitialState();
            var posteriors = new List<float>();
            var score = new List<float>();
            var features = new List<float>();
            var usable = audio.Length / chunk * chunk;
            for (var start = 0; start < usable; start += chunk)
            {
                var step = onnx.Step(audio[start..(start + chunk)], state);
                posteriors.AddRange(step.Posteriors);
                score.AddRange(step.Score);
                features.AddRange(step.Features);
            }

            var frames = fbank.FrameCount(usable);
            Assert.Equal(frames * onnx.Classes, posteriors.Count);
            Assert.Equal(frames * fbank.MelBins, features.Count);
            var worstPosterior = posteriors.Select((p, i) => Math.Abs(p - reference.Posteriors[i])).Max();
            var worstScore = score.Select((s, i) => Math.Abs(s - referenceScore[i])).Max();
            var worstFeature = features.Select((f, i) => Math.Abs(f - referenceFeatures.Data[i])).Max();
            Assert.True(worstPosterior <= 1e-4, $"{family} chunk {chunk}: max |posterior - sal stream| = {worstPosterior}");
            Assert.True(worstScore <= 1e-4, $"{family} chunk {chunk}: max |score - smoothed posterior| = {worstScore}");
            // Log-mel is compared loosely: the lowest bin sits tens of dB under the loudest after pre-emphasis, where two float
            // FFTs differ in the third decimal of its log; the posteriors above show it does not matter downstream.
            Assert.True(worstFeature <= 1e-2, $"{family} chunk {chunk}: max |log-mel - FbankExtractor| = {worstFeature}");
        }

        // Through the shared device loop with chunks that are not whole hops, detections come out the same.
        using var raw = new OnnxRawAudioScorer(onnx);
        var viaGraph = new StreamingPipeline(raw, fbank, detector).Run(audio, 333);
        Assert.Equal(reference.Frames, viaGraph.Frames);
        Assert.True(reference.Posteriors.Zip(viaGraph.Posteriors, (a, b) => Math.Abs(a - b)).Max() <= 1e-4);
        Assert.NotEmpty(reference.Detections);
        Assert.Equal(reference.Detections.Select(d => (d.Frame, d.Label)), viaGraph.Detections.Select(d => (d.Frame, d.Label)));
    }

    /// <summary>
    /// Speech-like audio as a microphone delivers it: voiced syllables (f0 gliding 110-220 Hz, harmonics to 4 kHz falling
    /// 6 dB/octave), fricative noise bursts, pauses, a -60 dBFS noise floor, 16-bit samples. (A pure tone near Nyquist
    /// leaves only float rounding noise in the low mel bins, whose log differs between any two FFT implementations.)
    /// </summary>
    internal static float[] Recorded(int samples, int seed)
    {
        var rng = new Random(seed);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var x = new float[samples];
        var phase = 0.0;
        var previousNoise = 0.0;
        for (var i = 0; i < samples; i++)
        {
            var t = i / 16000.0;
            var syllable = (int)(t / 0.25);
            var within = (t % 0.25) / 0.25;
            var kind = (syllable * 7 + seed) % 5; // 0-2 voiced, 3 fricative, 4 pause
            var envelope = Math.Sin(Math.PI * within);
            var f0 = 110 + (110 * ((syllable % 3) / 2.0)) + (30 * within);
            phase += 2 * Math.PI * f0 / 16000.0;
            var v = 0.0;
            if (kind <= 2)
            {
                for (var h = 1; h * f0 < 4000; h++)
                {
                    v += Math.Sin(h * phase) / h;
                }

                v *= 0.15 * envelope;
            }
            else if (kind == 3)
            {
                var white = Gauss();
                v = 0.05 * envelope * (white - previousNoise); // first difference: fricatives are mostly high frequency
                previousNoise = white;
            }

            v += 1e-3 * Gauss();
            x[i] = (float)(Math.Round(Math.Clamp(v, -1, 1) * 32767) / 32768);
        }

        return x;
    }

    [Fact]
    public void AStreamStartsOverAfterResetAndRejectsPartialHops()
    {
        using var folder = new ScratchDir();
        var fbank = new FbankConfig();
        var audio = StreamingPipelineTests.Audio(4800);
        using var model = StreamingHarness.Build(ModelFamily.Gru, ModelSize.Small);
        var path = folder.File("raw.onnx");
        RawAudioExporter.Export(model, fbank, StreamingPipelineTests.Normalizer(fbank, audio), 5, path);
        using var onnx = new OnnxRawAudioModel(path);
        var state = onnx.InitialState();
        var first = onnx.Step(audio, state);
        Assert.Equal(fbank.FrameCount(audio.Length), first.Frames);
        Assert.Equal(4800 / 160, state.Position[0]);
        state.Reset();
        var again = onnx.Step(audio, state);
        Assert.Equal(first.Posteriors, again.Posteriors);
        var e = Assert.Throws<ArgumentException>(() => onnx.Step(new float[100], state));
        Assert.Contains("raw.onnx", e.Message);
    }
}
