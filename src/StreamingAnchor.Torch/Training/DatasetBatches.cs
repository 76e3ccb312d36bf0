using StreamingAnchor.Data;

namespace StreamingAnchor.Training;

/// <summary>
/// Tensor batches of a <see cref="FeatureDataset"/>: the dataset (Data, tensor-free) plans and builds the examples,
/// this layer pads them into a <see cref="Batch"/>, one batch at a time as the caller iterates.
/// </summary>
public static class DatasetBatches
{
    /// <summary>
    /// Padded batches of a split for one epoch. The same (seed, epoch) always gives the same batches; with augmentation
    /// the examples of a batch are built in parallel, each from its own derived seed.
    /// </summary>
    public static IEnumerable<Batch> Batches(this FeatureDataset data, string split, BatchOptions options, int epoch = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var examples in data.BatchExamples(split, options, epoch))
        {
            yield return BatchCollator.Collate(examples);
        }
    }
}
