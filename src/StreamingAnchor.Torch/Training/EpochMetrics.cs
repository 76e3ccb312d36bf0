namespace StreamingAnchor.Training;

/// <summary>
/// One row of metrics.jsonl: the epoch's mean training loss, the dev results and whether it became the best.
/// <paramref name="DevEer"/> (the streamed dev EER) breaks ties of the frr dev metric; null in rows of older runs.
/// </summary>
public sealed record EpochMetrics(
    int Epoch,
    long Step,
    double TrainLoss,
    double LearningRate,
    double DevLoss,
    double DevMetric,
    double FramesPerSecond,
    double Seconds,
    bool Best,
    double? DevEer = null);
