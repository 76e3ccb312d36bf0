using System.Text.Json.Nodes;
using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Inference;

namespace StreamingAnchor.Export;

/// <summary>
/// Conformance vectors beside an export, so any port can check itself: NAME.vectors.wav (16-bit, as read by the
/// reference) and NAME.vectors.json with what `sal stream` computes from it with the run's own (TorchSharp) model:
/// log-mel features, posteriors, smoothed scores and detections at a stated threshold, with the tolerances to use.
/// </summary>
public static class ConformanceVectors
{
    public const int Version = 1;

    /// <summary>Posteriors and scores must match within this (the bar); log-mel more loosely (see below).</summary>
    public const double PosteriorTolerance = 1e-4;

    /// <summary>The lowest mel bin can sit tens of dB under the loudest after pre-emphasis; two float FFTs differ there in the third decimal.</summary>
    public const double FeatureTolerance = 1e-2;

    public static string WavPath(string onnxPath) => Path.ChangeExtension(onnxPath, ".vectors.wav");

    public static string JsonPath(string onnxPath) => Path.ChangeExtension(onnxPath, ".vectors.json");

    /// <summary>Writes both files for <paramref name="samples"/> (at the front end's rate; at most <paramref name="maxSeconds"/>, cut to whole hops).</summary>
    public static JsonObject Write(string onnxPath, float[] samples, IStreamingScorer scorer, FbankConfig frontEnd, FeatureNormalizer normalizer,
        DetectorConfig detector, double maxSeconds = 5)
    {
        // Whole hops only, so a port feeding fixed-size calls produces every frame of the vectors.
        var keep = (int)Math.Min(samples.Length, maxSeconds * frontEnd.SampleRate) / frontEnd.HopSamples * frontEnd.HopSamples;
        var wav = WavPath(onnxPath);
        WavFile.Write(wav, samples.AsSpan(0, keep), frontEnd.SampleRate);
        // The reference reads the written file back, so it scores exactly the 16-bit samples a port will read.
        var audio = WavFile.Read(wav, frontEnd.SampleRate).Samples;
        var pipeline = new StreamingPipeline(scorer, frontEnd, normalizer, detector);
        var result = pipeline.Run(audio, frontEnd.HopSamples);
        var score = PosteriorSmoother.SmoothTrace(result.Posteriors, result.Classes, detector.SmoothingFrames);
        var features = new FbankExtractor(frontEnd).Compute(audio);
        JsonArray Rows(Func<int, int, double> value, int frames, int width) => new(Enumerable.Range(0, frames)
            .Select(t => (JsonNode)new JsonArray(Enumerable.Range(0, width).Select(k => (JsonNode)value(t, k)).ToArray())).ToArray());
        var document = new JsonObject
        {
            ["vectors_version"] = Version,
            ["wav"] = Path.GetFileName(wav),
            ["sample_rate"] = frontEnd.SampleRate,
            ["samples"] = audio.Length,
            ["frames"] = result.Frames,
            ["classes"] = result.Classes,
            ["hop_samples"] = frontEnd.HopSamples,
            ["tolerance"] = new JsonObject { ["posteriors"] = PosteriorTolerance, ["score"] = PosteriorTolerance, ["features"] = FeatureTolerance },
            ["features_meaning"] = "log-mel filterbank per frame before normalisation (raw-audio graph output `features`)",
            ["features"] = Rows((t, k) => features.Data[(t * features.Dim) + k], features.Frames, features.Dim),
            ["posteriors"] = Rows((t, k) => result.Posteriors[(t * result.Classes) + k], result.Frames, result.Classes),
            ["score"] = Rows((t, k) => score[(t * result.Classes) + k], result.Frames, result.Classes),
            ["detector"] = new JsonObject
            {
                ["threshold"] = detector.Threshold, ["smoothing_frames"] = detector.SmoothingFrames,
                ["refractory_frames"] = pipeline.Detector.RefractoryFrames,
            },
            ["detections"] = new JsonArray(result.Detections.Select(d => (JsonNode)new JsonObject
            {
                ["frame"] = d.Frame, ["time"] = d.Time, ["label"] = d.Label, ["score"] = d.Score,
            }).ToArray()),
        };
        AtomicFile.WriteAllText(JsonPath(onnxPath), document.ToJsonString(CardJson.Options) + "\n");
        return document;
    }
}
