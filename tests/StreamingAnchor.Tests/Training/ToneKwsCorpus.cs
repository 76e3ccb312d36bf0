using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Training;

/// <summary>
/// A tiny generated keyword-spotting corpus on disk: 1.5 s noise streams, half of them with a 0.3 s two-tone
/// "keyword" whose end is the event anchor. Enough for the CLI to train, evaluate and resume at small size.
/// </summary>
internal static class ToneKwsCorpus
{
    /// <summary>The smallest training that runs on it: a one-layer 8-unit GRU, CE, one epoch of batches of 4, one thread.</summary>
    public static TrainConfig TinyGru(string manifest) => new()
    {
        Data = manifest,
        Task = TaskKind.Kws,
        Model = new ModelConfig { Family = ModelFamily.Gru, Hidden = 8, Layers = 1 },
        Loss = new LossConfig { Kind = LossKind.Ce },
        Epochs = 1,
        BatchSize = 4,
        Seed = 3,
        Threads = 1,
    };

    public static string Write(string folder, int clips = 24, int seed = 1)
    {
        var rng = new Random(seed);
        var entries = new List<ManifestEntry>();
        for (var i = 0; i < clips; i++)
        {
            var samples = new float[24000];
            for (var n = 0; n < samples.Length; n++)
            {
                samples[n] = (float)(0.05 * (rng.NextDouble() * 2 - 1));
            }
            var events = new List<ManifestEvent>();
            if (i % 2 == 0)
            {
                var start = 0.3 + 0.6 * rng.NextDouble();
                var from = (int)(start * 16000);
                for (var n = from; n < from + 4800; n++)
                {
                    samples[n] += (float)(0.3 * Math.Sin(2 * Math.PI * 600 * n / 16000) + 0.2 * Math.Sin(2 * Math.PI * 1500 * n / 16000));
                }
                events.Add(new ManifestEvent("keyword", start, start + 0.3));
            }
            var split = i < clips * 2 / 3 ? "train" : i < clips * 5 / 6 ? "dev" : "test";
            var audio = $"audio/c{i}.wav";
            WavFile.Write(Path.Combine(folder, audio), samples, 16000);
            entries.Add(new ManifestEntry { Id = $"c{i}", Audio = audio, Duration = 1.5, Split = split, Events = events });
        }
        var manifest = Path.Combine(folder, "manifest.jsonl");
        Manifest.Save(manifest, entries);
        return manifest;
    }
}
