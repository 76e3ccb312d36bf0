namespace StreamingAnchor.Training;

/// <summary>
/// One config of a training benchmark. FramesPerSecond is the median over rounds of (batch x frames) / wall time of
/// forward + loss + backward + gradient clipping + AdamW step. FlopsPerFrame = 2 x 3 x MACs per frame (a multiply-add
/// is two FLOPs; backward costs about twice forward). PeakRssBytes is the process's resident-set high-water mark
/// while this config ran (reset before it when the kernel allows, else the process peak so far; see PeakRssReset).
/// Replicas above 1 means data-parallel: that many copies of the model on shards of the batch, one thread each.
/// CoresUsed is the median over rounds of the process's CPU time over wall time: how many cores the scheduler gave
/// the config (the competing process is a child, not counted), the ceiling of what more threads can gain.
/// </summary>
public sealed record TrainBenchmarkRow(
    string Family,
    string Preset,
    int Batch,
    int Threads,
    int Replicas,
    bool Competing,
    long Parameters,
    long MacsPerFrame,
    double FramesPerSecond,
    double P10FramesPerSecond,
    long PeakRssBytes,
    bool PeakRssReset,
    long ManagedBytes,
    double CoresUsed)
{
    public double FlopsPerFrame => 6.0 * MacsPerFrame;

    public double GigaflopsPerSecond => FlopsPerFrame * FramesPerSecond / 1e9;
}
