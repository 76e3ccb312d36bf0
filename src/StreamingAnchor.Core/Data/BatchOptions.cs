namespace StreamingAnchor.Data;

/// <summary>How <see cref="FeatureDataset.Batches"/> cuts, orders, augments and pads a split.</summary>
public sealed record BatchOptions
{
    public int BatchSize { get; init; } = 16;

    /// <summary>Shuffling, crops and augmentation are drawn from (Seed, epoch) only: same seed, same batches.</summary>
    public int Seed { get; init; }

    public bool Shuffle { get; init; } = true;

    /// <summary>Length bucketing: shuffled examples are sorted by length within pools of this many batches.</summary>
    public int BucketPoolBatches { get; init; } = 32;

    /// <summary>Crop clips longer than this many frames into windows; null trains on whole clips.</summary>
    public int? WindowFrames { get; init; }

    public WindowMode WindowMode { get; init; } = WindowMode.Random;

    /// <summary>Sliding-window stride in frames; null means half a window.</summary>
    public int? WindowStride { get; init; }

    public AugmentOptions? Augment { get; init; }

    /// <summary>
    /// Balance every batch by <see cref="ExampleKind"/> (positives, confusables, speech, background) in these shares, an
    /// epoch being <see cref="SamplerOptions.EpochWindows"/> windows; null serves each window of the split once per epoch.
    /// </summary>
    public SamplerOptions? Sampler { get; init; }

    /// <summary>Drop the last batch when it is smaller than <see cref="BatchSize"/>.</summary>
    public bool DropLast { get; init; }

    /// <summary>Whole clips in manifest order, no augmentation: what evaluation wants.</summary>
    public static BatchOptions Evaluation(int batchSize = 16) => new() { BatchSize = batchSize, Shuffle = false, BucketPoolBatches = 0 };

    public void Validate()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentException($"batch size must be at least 1, got {BatchSize}");
        }
        if (WindowFrames is < 1 || WindowStride is < 1)
        {
            throw new ArgumentException("window length and stride must be at least one frame");
        }
        Augment?.Validate();
        Sampler?.Validate();
    }
}
