using StreamingAnchor.Audio;
using StreamingAnchor.Data.Synthesis;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Inference;
using StreamingAnchor.Models;
using TorchSharp;

namespace StreamingAnchor.Training;

/// <summary>
/// `sal bench dev`: the dev metric's scoring against `sal eval`'s streaming on one long negative stream, side by side in
/// one process on one thread (this thread's CPU time, so other load on the machine does not count).
/// </summary>
public static class DevScoringBenchmark
{
    public static IReadOnlyList<DevScoringBenchmarkRow> Run(IReadOnlyList<ModelFamily> families, double minutes, int lookAhead, int seed = 1,
        IProgress<string>? progress = null)
    {
        if (!(minutes > 0 && minutes <= 600))
        {
            throw new ArgumentException($"minutes must be in (0, 600], got {minutes}");
        }
        torch.set_num_threads(1);
        var fbank = new FbankConfig();
        var audio = NoiseGenerator.Generate(NoiseColor.Pink, (int)Math.Round(minutes * 60 * fbank.SampleRate), seed);
        var start = ThreadCpuClock.Now();
        var features = new FbankExtractor(fbank).Compute(audio);
        var fbankSeconds = ThreadCpuClock.Now() - start;
        var normalizer = FeatureNormalizer.Fit([features]);
        normalizer.ApplyInPlace(features);
        var rows = new List<DevScoringBenchmarkRow>();
        foreach (var family in families)
        {
            torch.manual_seed(seed);
            using var model = ModelFactory.Create(new ModelConfig { Family = family, Preset = ModelSize.Small, LookAhead = lookAhead }, fbank.MelBins, 1);
            model.eval();
            progress?.Report($"{family.Name()}: streaming {minutes:0.#} min in 100 ms chunks");
            using var scorer = new TorchStreamingScorer(model);
            var pipeline = new StreamingPipeline(scorer, fbank, normalizer, new DetectorConfig());
            pipeline.Run(audio.AsSpan(0, fbank.SampleRate), StreamingPipeline.DeviceChunkSamples); // warm-up
            start = ThreadCpuClock.Now();
            var streamed = pipeline.Run(audio, StreamingPipeline.DeviceChunkSamples).Posteriors;
            var streamedSeconds = ThreadCpuClock.Now() - start;

            progress?.Report($"{family.Name()}: offline forward");
            float[] offline;
            start = ThreadCpuClock.Now();
            using (torch.no_grad())
            using (torch.NewDisposeScope())
            {
                var x = torch.tensor(features.Data, [1, features.Frames, features.Dim]);
                var posteriors = Posteriors.FromLogits(DevScoring.OfflineLogits(model, x));
                offline = Posteriors.Delayed(posteriors, 0, features.Frames, model.LookAhead);
            }
            var forwardSeconds = ThreadCpuClock.Now() - start;
            var worst = streamed.Length == offline.Length ? streamed.Zip(offline, (a, b) => (double)Math.Abs(a - b)).Max() : double.PositiveInfinity;
            rows.Add(new DevScoringBenchmarkRow(family.Name(), lookAhead, model.parameters().Sum(p => p.numel()), audio.Length / (double)fbank.SampleRate,
                streamedSeconds, fbankSeconds, forwardSeconds, worst));
        }
        return rows;
    }
}
