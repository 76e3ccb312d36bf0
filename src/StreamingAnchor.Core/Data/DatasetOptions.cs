using StreamingAnchor.Audio;

namespace StreamingAnchor.Data;

/// <summary>What <see cref="FeatureDataset.Load"/> builds: the task rule, the front end, the cache, extra streams.</summary>
public sealed record DatasetOptions
{
    public TaskRule Rule { get; init; } = new();

    public FbankConfig Fbank { get; init; } = new();

    /// <summary>Feature cache root; null means <c>.cache/features</c> beside the manifest.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Concatenate the manifest's extra per-frame streams (sorted by name) after the mel features.</summary>
    public bool IncludeStreams { get; init; } = true;

    /// <summary>Splits to load; null loads every split in the manifest.</summary>
    public IReadOnlyList<string>? Splits { get; init; }

    /// <summary>Split the normaliser is fitted on (identity when that split is not loaded).</summary>
    public string NormalizerSplit { get; init; } = "train";

    /// <summary>
    /// A fixed normaliser to use instead of fitting one on <see cref="NormalizerSplit"/>: a resumed run keeps the
    /// statistics its checkpoints were trained with, whatever the data holds now.
    /// </summary>
    public Audio.FeatureNormalizer? Normalizer { get; init; }

    /// <summary>
    /// Where each split's features live: a memory-mapped file per split beside the cache (default; the process holds only
    /// the windows it batches) or arrays in RAM. Both give the same batches.
    /// </summary>
    public FeatureStorage Storage { get; init; } = FeatureStorage.Mapped;

    /// <summary>Worker threads for feature extraction; null uses every core.</summary>
    public int? MaxParallelism { get; init; }
}
