namespace StreamingAnchor.Training;

/// <summary>One row of metrics.jsonl: the epoch's mean training loss, the dev results and whether it became the best.</summary>
public sealed record EpochMetrics(
    int Epoch,
    long Step,
    double TrainLoss,
    double LearningRate,
    double DevLoss,
    double DevMetric,
    double FramesPerSecond,
    double Seconds,
    bool Best);
