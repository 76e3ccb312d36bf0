using System.Diagnostics;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using TorchSharp;

namespace StreamingAnchor.Training;

/// <summary>
/// Data loading and training on a real manifest, as `sal train` runs them: the train split (or its first hours,
/// optionally repeated) loaded through <see cref="TrainingRun.LoadData(TrainConfig, Manifest, FbankConfig, IProgress{ValueTuple{int, int}}?, FeatureNormalizer?, FeatureStorage)"/>
/// (features cached, store built or reused), one epoch of batches built without a model, then one epoch trained by
/// <see cref="Trainer"/> (no dev split) in a temporary run folder; memory read from /proc after every batch.
/// </summary>
public static class DataBenchmark
{
    /// <param name="loading">Clips whose features are ready.</param>
    /// <param name="stage">A line per stage.</param>
    public static DataBenchmarkResult Run(DataBenchmarkOptions options, IProgress<(int Done, int Total)>? loading = null, IProgress<string>? stage = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Repeat < 1 || options.TrainHours is <= 0 || options.MaxSteps is < 1)
        {
            throw new ArgumentException("bench data: repeat and max steps must be >= 1 and hours > 0");
        }
        TorchRuntime.EnsureConfigured();
        var reset = ProcessMemory.TryResetPeak();
        var peakAnonymous = ProcessMemory.ResidentAnonymous();
        void Sample() => peakAnonymous = Math.Max(peakAnonymous, ProcessMemory.ResidentAnonymous());

        var clock = Stopwatch.StartNew();
        var manifest = Part(ManifestChecker.LoadValid(options.Manifest), options.TrainHours, options.Repeat);
        var config = options.Train with { Data = manifest.Path, NoDev = true, Epochs = 1, MaxSteps = options.MaxSteps, Patience = 0 };
        config.Validate();
        var fbank = new FbankConfig();
        var data = TrainingRun.LoadData(config, manifest, fbank, loading, null, options.Storage);
        using var dataset = data.Dataset;
        var loadSeconds = clock.Elapsed.TotalSeconds;
        Sample();
        var clips = dataset.Clips(data.TrainSplit);
        var frames = clips.Sum(c => (long)c.Frames);
        var cache = new FeatureCache(Path.Combine(manifest.BaseDirectory, ".cache", "features"), fbank);
        var cacheBytes = clips.Select(c => cache.EntryPath(c.AudioPath)).Distinct(StringComparer.Ordinal)
            .Sum(p => File.Exists(p) ? new FileInfo(p).Length : 0);
        var storeBytes = dataset.Stores.OfType<MappedFeatureStore>().Sum(s => new FileInfo(s.Path).Length);
        stage?.Report($"{clips.Count} clips, {frames / 360000.0:0.00} h, features ready in {loadSeconds:0.0} s");

        clock.Restart();
        long batchFrames = 0;
        var batches = 0;
        foreach (var batch in data.TrainBatches(1))
        {
            using (batch)
            {
                batchFrames += batch.ValidFrames;
                batches++;
                Sample();
            }
        }
        var dataRate = batchFrames / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        stage?.Report($"epoch of batches built without a model: {batches} batches, {dataRate:N0} frames/s");

        var runDirectory = Path.Combine(Path.GetTempPath(), $"sal-bench-data-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            torch.manual_seed(config.Seed);
            using var model = ModelFactory.Create(config.Model, data.InputDim, data.NumClasses);
            var trainer = new Trainer(config, model, LossFactory.Create(config.Loss), data, runDirectory);
            var state = trainer.Run(new MemorySampler(Sample));
            var epoch = Checkpoint.ReadHeader(trainer.LastCheckpointPath).History[^1];
            stage?.Report($"trained {state.Step} steps: {epoch.FramesPerSecond:N0} frames/s");
            return new DataBenchmarkResult(frames / 360000.0, clips.Count, frames, options.Storage.ToString().ToLowerInvariant(), loadSeconds,
                cacheBytes, storeBytes, batches, dataRate, (int)state.Step, epoch.FramesPerSecond, epoch.Seconds,
                ProcessMemory.PeakResident(), peakAnonymous, reset);
        }
        finally
        {
            if (Directory.Exists(runDirectory))
            {
                Directory.Delete(runDirectory, recursive: true);
            }
        }
    }

    /// <summary>The train split's first clips up to <paramref name="hours"/>, each <paramref name="repeat"/> times (copies get ids id~k).</summary>
    public static Manifest Part(Manifest manifest, double? hours, int repeat)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var train = manifest.Split("train");
        var taken = new List<ManifestEntry>();
        var seconds = 0.0;
        foreach (var entry in train)
        {
            if (hours is { } h && seconds >= h * 3600)
            {
                break;
            }
            taken.Add(entry);
            seconds += entry.Duration;
        }
        if (taken.Count == 0)
        {
            throw new InvalidDataException($"{manifest.Path}: no clips in the train split");
        }
        var entries = Enumerable.Range(0, repeat)
            .SelectMany(k => taken.Select(e => k == 0 ? e : e with { Id = $"{e.Id}~{k}" }))
            .ToList();
        return new Manifest(manifest.Path, entries);
    }

    private sealed class MemorySampler(Action sample) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => sample();
    }
}
