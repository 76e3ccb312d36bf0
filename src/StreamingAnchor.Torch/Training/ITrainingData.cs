using StreamingAnchor.Anchors;
using StreamingAnchor.Data;

namespace StreamingAnchor.Training;

/// <summary>
/// What the trainer reads: training batches that depend only on the epoch (shuffling and augmentation seeded from it,
/// so a resumed run sees the same data), whole-clip dev batches, and the dev clips' ground truth by batch id.
/// </summary>
public interface ITrainingData
{
    int InputDim { get; }

    /// <summary>C of the model: 1 for a binary sigmoid output, K + 1 for softmax over background and K classes.</summary>
    int NumClasses { get; }

    /// <summary>The frame grid of the features and labels (the run's front end); dev detections are stamped on it.</summary>
    FrameClock Clock { get; }

    int TrainBatchesPerEpoch { get; }

    IEnumerable<Batch> TrainBatches(int epoch);

    IEnumerable<Batch> DevBatches();

    /// <summary>Duration (seconds) and events (anchors in seconds) of each dev clip, by id.</summary>
    IReadOnlyDictionary<string, (double Duration, IReadOnlyList<EvalEvent> Events)> DevTruth { get; }
}
