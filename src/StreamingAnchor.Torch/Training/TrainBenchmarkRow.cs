namespace StreamingAnchor.Training;

/// <summary>
/// One config of a training benchmark. FramesPerSecond is the median over rounds of (batch x frames) / wall time of
/// forward + loss + backward + gradient clipping + AdamW step. FlopsPerFrame = 2 x 3 x MACs per frame (a multiply-add
/// is two FLOPs; backward costs about twice forward). PeakRssBytes is the process's resident-set high-water mark
/// while this config ran (reset before it when the kernel allows, else the process peak so far; see PeakRssReset).
/// </summary>
public sealed record TrainBenchmarkRow(
    string Family,
    string Preset,
    int Batch,
    int Threads,
    bool Competing,
    long Parameters,
    long MacsPerFrame,
    double FramesPerSecond,
    double P10FramesPerSecond,
    long PeakRssBytes,
    bool PeakRssReset,
    long ManagedBytes)
{
    public double FlopsPerFrame => 6.0 * MacsPerFrame;

    public double GigaflopsPerSecond => FlopsPerFrame * FramesPerSecond / 1e9;
}
