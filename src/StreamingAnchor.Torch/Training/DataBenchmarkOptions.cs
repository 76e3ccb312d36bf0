using StreamingAnchor.Data;

namespace StreamingAnchor.Training;

/// <summary>What <see cref="DataBenchmark"/> measures: a manifest's train split (or its first hours, repeated), trained as configured.</summary>
public sealed record DataBenchmarkOptions
{
    /// <summary>The manifest whose train split is loaded.</summary>
    public required string Manifest { get; init; }

    /// <summary>Only the train split's first clips (manifest order) up to this many hours; null takes them all.</summary>
    public double? TrainHours { get; init; }

    /// <summary>
    /// Every selected clip this many times (ids suffixed ~1, ~2...): a larger corpus than the one on disk, for memory and
    /// throughput (the store holds each copy; the per-file cache, keyed by audio file, holds each file once).
    /// </summary>
    public int Repeat { get; init; } = 1;

    /// <summary>Model, loss, batch size, window, sampler, seed and threads of the training pass (data and epochs are ignored).</summary>
    public TrainConfig Train { get; init; } = new();

    public FeatureStorage Storage { get; init; } = FeatureStorage.Mapped;

    /// <summary>Cap on the training pass's optimiser steps; null trains one whole epoch.</summary>
    public int? MaxSteps { get; init; }
}
