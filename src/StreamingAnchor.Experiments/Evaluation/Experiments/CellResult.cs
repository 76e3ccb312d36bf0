namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// What one finished cell measured on the test split: FRR (onset: miss rate) and hit latency (seconds) at the grid's
/// false-alarm target, frame accuracy at the detector threshold, EER, and the cost of getting there. Latencies are
/// NaN when there are no hits.
/// </summary>
public sealed record CellResult(
    string Name,
    string Model,
    string Loss,
    int Seed,
    string? SweepParameter,
    double? SweepValue,
    double FaPerHourTarget,
    double Frr,
    double FaPerHour,
    double LatencyMedian,
    double LatencyP90,
    double FrameAccuracy,
    double Eer,
    int Events,
    int Streams,
    double TestHours,
    long Parameters,
    int Epochs,
    long Steps,
    double TrainSeconds,
    double EvalSeconds);
