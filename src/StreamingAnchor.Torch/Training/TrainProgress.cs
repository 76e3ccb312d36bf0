namespace StreamingAnchor.Training;

/// <summary>Progress inside an epoch, reported after every optimiser step (and once when an epoch ends).</summary>
public sealed record TrainProgress(
    int Epoch,
    int Epochs,
    int Batch,
    int Batches,
    double Loss,
    double LearningRate,
    double FramesPerSecond,
    TimeSpan Eta,
    EpochMetrics? Finished = null);
