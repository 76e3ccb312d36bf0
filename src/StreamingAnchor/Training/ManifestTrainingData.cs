using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;
using TorchSharp;

namespace StreamingAnchor.Training;

/// <summary>
/// Training data read from a manifest: log-mel features of every train and dev clip computed once (both cores),
/// normalised with statistics of the train split, labelled by the task rule and batched with a (seed, epoch) shuffle.
/// Long clips are cut into windows of <see cref="TrainConfig.WindowSeconds"/> with anchors re-expressed in window frames.
/// </summary>
public sealed class ManifestTrainingData : ITrainingData
{
    private readonly List<ClipExample> _train;
    private readonly List<ClipExample> _dev;
    private readonly int _batchSize;
    private readonly int _seed;
    private readonly int? _windowFrames;

    private ManifestTrainingData(List<ClipExample> train, List<ClipExample> dev, TaskLabeler labeler, FeatureNormalizer normalizer,
        FbankConfig fbank, int batchSize, int seed, int? windowFrames)
    {
        _train = train;
        _dev = dev;
        Labeler = labeler;
        Normalizer = normalizer;
        FrontEnd = fbank;
        _batchSize = batchSize;
        _seed = seed;
        _windowFrames = windowFrames;
        DevTruth = dev.ToDictionary(c => c.Id, c => (c.Duration, c.Events));
    }

    public TaskLabeler Labeler { get; }

    public FeatureNormalizer Normalizer { get; }

    public FbankConfig FrontEnd { get; }

    public int TrainClips => _train.Count;

    public int DevClips => _dev.Count;

    public int InputDim => FrontEnd.MelBins;

    public int NumClasses => Labeler.NumClasses;

    public IReadOnlyDictionary<string, (double Duration, IReadOnlyList<EvalEvent> Events)> DevTruth { get; }

    /// <summary>Loads the train and dev splits; progress reports clips done out of the total.</summary>
    public static ManifestTrainingData Load(TrainConfig config, FbankConfig fbank, IProgress<(int Done, int Total)>? progress = null)
    {
        var manifest = Manifest.Load(config.Data);
        var trainEntries = manifest.Split("train");
        var devEntries = manifest.Split("dev");
        if (trainEntries.Count == 0)
        {
            throw new FormatException($"{config.Data}: no clips in the train split");
        }
        var labeler = new TaskLabeler(config.Task, TaskLabeler.LabelsOf(trainEntries));
        var all = trainEntries.Concat(devEntries).ToList();
        var features = ComputeFeatures(manifest, all, fbank, progress);
        var normalizer = FeatureNormalizer.Fit(features.Take(trainEntries.Count));
        var examples = new List<ClipExample>(all.Count);
        for (var i = 0; i < all.Count; i++)
        {
            normalizer.ApplyInPlace(features[i]);
            var (targets, anchors, events) = labeler.Label(all[i], features[i].Frames, manifest.Path);
            examples.Add(new ClipExample(all[i].Id, features[i], targets, anchors, all[i].Duration, events));
        }
        int? window = config.WindowSeconds is { } w ? (int)Math.Round(w * 100) : null;
        return new ManifestTrainingData(examples.Take(trainEntries.Count).ToList(), examples.Skip(trainEntries.Count).ToList(),
            labeler, normalizer, fbank, config.BatchSize, config.Seed, window);
    }

    /// <summary>Features of each entry, in order; a clip that cannot be read stops the load naming it.</summary>
    public static FeatureMatrix[] ComputeFeatures(Manifest manifest, IReadOnlyList<ManifestEntry> entries, FbankConfig fbank,
        IProgress<(int Done, int Total)>? progress)
    {
        var result = new FeatureMatrix[entries.Count];
        var done = 0;
        Parallel.For(0, entries.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => new FbankExtractor(fbank),
            (i, _, extractor) =>
            {
                var path = manifest.Resolve(entries[i].Audio);
                var clip = WavFile.Read(path, fbank.SampleRate);
                var m = extractor.Compute(clip.Samples);
                if (m.Frames == 0)
                {
                    throw new InvalidDataException($"{path}: shorter than one 25 ms frame");
                }
                result[i] = m;
                progress?.Report((Interlocked.Increment(ref done), entries.Count));
                return extractor;
            },
            _ => { });
        return result;
    }

    public IEnumerable<Batch> TrainBatches(int epoch)
    {
        var items = TrainItems(epoch);
        var order = Enumerable.Range(0, items.Count).ToArray();
        new Random(unchecked(_seed * 7919 + epoch)).Shuffle(order);
        for (var i = 0; i < order.Length; i += _batchSize)
        {
            yield return Make(order.Skip(i).Take(_batchSize).Select(k => items[k]).ToList());
        }
    }

    public IEnumerable<Batch> DevBatches()
    {
        var items = _dev.Select(c => (c, 0, c.Features.Frames)).ToList();
        for (var i = 0; i < items.Count; i += _batchSize)
        {
            yield return Make(items.Skip(i).Take(_batchSize).ToList());
        }
    }

    /// <summary>
    /// (clip, first frame, frames) items: whole clips, or one crop per clip and epoch when a window is set. A clip with
    /// anchors gets a crop holding one of them (with the keyword before it and the target frames after it); others a
    /// uniform crop. Crops are drawn from (seed, epoch, clip), so a resumed run draws the same ones.
    /// </summary>
    private List<(ClipExample Clip, int Start, int Frames)> TrainItems(int epoch)
    {
        var items = new List<(ClipExample, int, int)>(_train.Count);
        for (var i = 0; i < _train.Count; i++)
        {
            var c = _train[i];
            var total = c.Features.Frames;
            if (_windowFrames is not { } w || total <= w)
            {
                items.Add((c, 0, total));
                continue;
            }
            var rng = new Random(unchecked((_seed * 1_000_003) + (epoch * 100_003) + i));
            int lo = 0, hi = total - w;
            if (c.Anchors.Length > 0)
            {
                var a = c.Anchors[rng.Next(c.Anchors.Length)];
                lo = Math.Max(lo, (int)Math.Ceiling(a) + Labeler.PositiveFrames + 5 - w);
                hi = Math.Min(hi, (int)Math.Floor(a) - 80);
                if (lo > hi)
                {
                    (lo, hi) = (Math.Clamp((int)a - w / 2, 0, total - w), Math.Clamp((int)a - w / 2, 0, total - w));
                }
            }
            items.Add((c, rng.Next(lo, hi + 1), w));
        }
        return items;
    }

    public int TrainBatchesPerEpoch => (_train.Count + _batchSize - 1) / _batchSize;

    private Batch Make(List<(ClipExample Clip, int Start, int Frames)> items)
    {
        var maxT = items.Max(x => x.Frames);
        var dim = InputDim;
        var x = new float[items.Count * maxT * dim];
        var y = new long[items.Count * maxT];
        for (var b = 0; b < items.Count; b++)
        {
            var (clip, start, frames) = items[b];
            Array.Copy(clip.Features.Data, start * dim, x, b * maxT * dim, frames * dim);
            Array.Copy(clip.Targets, start, y, b * maxT, frames);
        }
        return new Batch(
            torch.tensor(x, [items.Count, maxT, dim]),
            torch.tensor(y, [items.Count, maxT]),
            torch.tensor(items.Select(i => (long)i.Frames).ToArray()),
            items.Select(i => i.Clip.Anchors.Select(a => a - i.Start).ToArray()).ToList(),
            items.Select(i => i.Clip.Id).ToList());
    }
}
