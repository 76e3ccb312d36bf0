namespace StreamingAnchor.Training;

/// <summary>
/// One <see cref="DataBenchmark"/> run. LoadSeconds: manifest check, feature cache and store ready, normaliser fitted.
/// CacheBytes: the per-file cache entries of the distinct audio files; StoreBytes: the mapped store (0 in memory).
/// DataFramesPerSecond: one epoch of batches built and dropped (no model); TrainFramesPerSecond and EpochSeconds: the
/// trainer's own figures for the training pass (batches built while training, as `sal train` does). PeakRssBytes:
/// VmHWM over the whole run (reset at its start when the kernel allows, see PeakReset), mapped store pages included;
/// PeakAnonymousBytes: the largest RssAnon seen after each batch (what the process holds, without file pages).
/// </summary>
public sealed record DataBenchmarkResult(
    double TrainHours,
    int Clips,
    long Frames,
    string Storage,
    double LoadSeconds,
    long CacheBytes,
    long StoreBytes,
    int BatchesPerEpoch,
    double DataFramesPerSecond,
    int Steps,
    double TrainFramesPerSecond,
    double EpochSeconds,
    long PeakRssBytes,
    long PeakAnonymousBytes,
    bool PeakReset);
