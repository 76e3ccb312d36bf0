using StreamingAnchor.Anchors;
using StreamingAnchor.Data;

namespace StreamingAnchor.Training;

/// <summary>
/// Training data plus mined hard negatives (`sal mine`): every epoch sees the base batches with the hard negatives'
/// batches spread evenly among them, each hard negative <see cref="Weight"/> times per epoch on average (whole passes,
/// plus the first share of one more pass for a fractional weight; each pass shuffled and cropped with its own seed).
/// Dev data and its truth are the base's.
/// </summary>
public sealed class HardNegativeTrainingData : ITrainingData
{
    /// <summary>The split the mined manifests put their windows in.</summary>
    public const string Split = "train";

    private readonly ITrainingData _base;
    private readonly FeatureDataset _hard;
    private readonly BatchOptions _options;
    private readonly int _hardBatchesPerPass;

    public HardNegativeTrainingData(ITrainingData baseData, FeatureDataset hardNegatives, BatchOptions options, double weight)
    {
        if (!(weight > 0 && double.IsFinite(weight)))
        {
            throw new ArgumentException($"hard-negative weight must be positive, got {weight}");
        }
        if (hardNegatives.InputDim != baseData.InputDim || hardNegatives.NumClasses != baseData.NumClasses)
        {
            throw new InvalidDataException(
                $"{hardNegatives.Manifest.Path}: hard negatives give {hardNegatives.InputDim} features and {hardNegatives.NumClasses} classes, the training data {baseData.InputDim} and {baseData.NumClasses}");
        }
        _base = baseData;
        _hard = hardNegatives;
        _options = options;
        Weight = weight;
        _hardBatchesPerPass = hardNegatives.BatchCount(Split, options);
    }

    public double Weight { get; }

    public int InputDim => _base.InputDim;

    public int NumClasses => _base.NumClasses;

    public FrameClock Clock => _base.Clock;

    /// <summary>Hard-negative batches per epoch.</summary>
    public int HardBatchesPerEpoch => (int)Math.Round(_hardBatchesPerPass * Weight);

    public int TrainBatchesPerEpoch => _base.TrainBatchesPerEpoch + HardBatchesPerEpoch;

    public IEnumerable<Batch> TrainBatches(int epoch)
    {
        var baseCount = Math.Max(1, _base.TrainBatchesPerEpoch);
        var hardCount = HardBatchesPerEpoch;
        using var hard = HardBatches(epoch).Take(hardCount).GetEnumerator();
        var emitted = 0;
        var index = 0;
        foreach (var batch in _base.TrainBatches(epoch))
        {
            yield return batch;
            index++;
            // Spread evenly: after base batch i, the hard batches due by then (i / base share of them).
            while (emitted < (long)hardCount * Math.Min(index, baseCount) / baseCount && hard.MoveNext())
            {
                emitted++;
                yield return hard.Current;
            }
        }
        while (emitted < hardCount && hard.MoveNext())
        {
            emitted++;
            yield return hard.Current;
        }
    }

    /// <summary>Pass after pass over the hard negatives, each with its own seed (the epoch's, salted by the pass).</summary>
    private IEnumerable<Batch> HardBatches(int epoch)
    {
        for (var pass = 0; ; pass++)
        {
            var any = false;
            var seed = Data.Synthesis.SplitAssigner.DeriveSeed(_options.Seed, pass, salt: 0x4e45);
            foreach (var batch in _hard.Batches(Split, _options with { Seed = seed }, epoch))
            {
                any = true;
                yield return batch;
            }
            if (!any)
            {
                yield break;
            }
        }
    }

    public IEnumerable<Batch> DevBatches() => _base.DevBatches();

    public IReadOnlyDictionary<string, (double Duration, IReadOnlyList<EvalEvent> Events)> DevTruth => _base.DevTruth;
}
