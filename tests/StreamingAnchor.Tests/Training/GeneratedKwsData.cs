using StreamingAnchor.Anchors;
using StreamingAnchor.Data;
using StreamingAnchor.Training;
using TorchSharp;

namespace StreamingAnchor.Tests.Training;

/// <summary>
/// A generated keyword-spotting set in feature space: noise frames, and in positive clips a 20-frame "keyword"
/// (raised energy in a few bands) whose end is the anchor; targets are positive for 10 frames after it.
/// </summary>
internal sealed class GeneratedKwsData : ITrainingData
{
    private const int Frames = 100;
    private const int Dim = 8;
    private readonly List<(string Id, float[] X, long[] Y, double[] Anchors)> _train = [];
    private readonly List<(string Id, float[] X, long[] Y, double[] Anchors)> _dev = [];
    private readonly int _batchSize;
    private readonly int _seed;

    public GeneratedKwsData(int trainClips, int devClips, int batchSize, int seed, int nanFromEpoch = int.MaxValue)
    {
        _batchSize = batchSize;
        _seed = seed;
        NanFromEpoch = nanFromEpoch;
        var rng = new Random(seed);
        for (var i = 0; i < trainClips + devClips; i++)
        {
            var x = new float[Frames * Dim];
            for (var j = 0; j < x.Length; j++)
            {
                x[j] = (float)(rng.NextDouble() * 2 - 1);
            }
            var y = new long[Frames];
            double[] anchors = [];
            if (i % 2 == 0)
            {
                var start = rng.Next(10, 60);
                var end = start + 20;
                for (var t = start; t < end; t++)
                {
                    for (var f = 2; f < 5; f++)
                    {
                        x[t * Dim + f] += 2f;
                    }
                }
                for (var t = end; t < Math.Min(Frames, end + 10); t++)
                {
                    y[t] = 1;
                }
                anchors = [end];
            }
            (i < trainClips ? _train : _dev).Add(($"c{i}", x, y, anchors));
        }
        DevTruth = _dev.ToDictionary(c => c.Id, c => (Frames * 0.01 + 0.015,
            (IReadOnlyList<EvalEvent>)c.Anchors.Select(a => new EvalEvent(1, 0.025 + 0.01 * a, 0.025 + 0.01 * (a - 20), 0.025 + 0.01 * a)).ToList()));
    }

    public int NanFromEpoch { get; }

    public int InputDim => Dim;

    public int NumClasses => 1;

    public FrameClock Clock => FrameClock.Default;

    public int TrainBatchesPerEpoch => (_train.Count + _batchSize - 1) / _batchSize;

    public IReadOnlyDictionary<string, (double Duration, IReadOnlyList<EvalEvent> Events)> DevTruth { get; }

    public IEnumerable<Batch> TrainBatches(int epoch)
    {
        var order = Enumerable.Range(0, _train.Count).ToArray();
        new Random(_seed * 7919 + epoch).Shuffle(order);
        for (var i = 0; i < order.Length; i += _batchSize)
        {
            var clips = order.Skip(i).Take(_batchSize).Select(k => _train[k]).ToList();
            var batch = Make(clips);
            if (epoch >= NanFromEpoch && i > 0)
            {
                batch.Features[0, 0, 0] = float.NaN;
            }
            yield return batch;
        }
    }

    public IEnumerable<Batch> DevBatches()
    {
        for (var i = 0; i < _dev.Count; i += _batchSize)
        {
            yield return Make(_dev.Skip(i).Take(_batchSize).ToList());
        }
    }

    private static Batch Make(List<(string Id, float[] X, long[] Y, double[] Anchors)> clips) => new(
        torch.tensor(clips.SelectMany(c => c.X).ToArray(), [clips.Count, Frames, Dim]),
        torch.tensor(clips.SelectMany(c => c.Y).ToArray(), [clips.Count, Frames]),
        torch.tensor(clips.Select(_ => (long)Frames).ToArray()),
        clips.Select(c => c.Anchors).ToList(),
        clips.Select(c => c.Id).ToList());
}
