using StreamingAnchor.Anchors;
using StreamingAnchor.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Training;

/// <summary>
/// <see cref="ITrainingData"/> over a <see cref="FeatureDataset"/>: the train split cut, shuffled and augmented per
/// <see cref="TrainOptions"/> and the epoch; the dev split as whole clips in manifest order.
/// </summary>
public sealed class DatasetTrainingData : ITrainingData
{
    private readonly Lazy<IReadOnlyDictionary<string, (double Duration, IReadOnlyList<EvalEvent> Events)>> _devTruth;

    public DatasetTrainingData(FeatureDataset dataset, BatchOptions trainOptions, int devBatchSize = 16,
        string trainSplit = "train", string devSplit = "dev")
    {
        ArgumentNullException.ThrowIfNull(dataset);
        trainOptions.Validate();
        if (dataset.Clips(trainSplit).Count == 0)
        {
            throw new InvalidDataException($"{dataset.Manifest.Path}: no clips in split '{trainSplit}'");
        }
        Dataset = dataset;
        TrainOptions = trainOptions;
        DevBatchSize = devBatchSize;
        TrainSplit = trainSplit;
        DevSplit = devSplit;
        _devTruth = new(() => dataset.Truth(devSplit));
    }

    public FeatureDataset Dataset { get; }

    public BatchOptions TrainOptions { get; }

    public int DevBatchSize { get; }

    public string TrainSplit { get; }

    public string DevSplit { get; }

    public int InputDim => Dataset.InputDim;

    public int NumClasses => Dataset.NumClasses;

    public FrameClock Clock => Dataset.Options.Rule.Clock;

    /// <summary>Batches per epoch (epoch 0's plan; random crops keep the count fixed across epochs).</summary>
    public int TrainBatchesPerEpoch => Dataset.BatchCount(TrainSplit, TrainOptions);

    public IEnumerable<Batch> TrainBatches(int epoch) => Dataset.Batches(TrainSplit, TrainOptions, epoch);

    public IEnumerable<Batch> DevBatches() => Dataset.Batches(DevSplit, BatchOptions.Evaluation(DevBatchSize));

    public IReadOnlyDictionary<string, (double Duration, IReadOnlyList<EvalEvent> Events)> DevTruth => _devTruth.Value;
}
