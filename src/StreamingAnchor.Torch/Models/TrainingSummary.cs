using StreamingAnchor.Anchors;
using StreamingAnchor.Losses;

namespace StreamingAnchor.Models;

/// <summary>
/// training.json: what a finished `sal train` did, written by the training run and read by export, eval, mining and
/// reports. Every field has a default, so a summary written before a field existed still reads.
/// </summary>
public sealed record TrainingSummary
{
    public TaskKind Task { get; init; } = TaskKind.Kws;

    public LossKind Loss { get; init; } = LossKind.Sal;

    public int EpochsDone { get; init; }

    /// <summary>Optimiser steps taken over all epochs.</summary>
    public long Steps { get; init; }

    /// <summary>The epoch whose weights the run folder serves.</summary>
    public int BestEpoch { get; init; }

    /// <summary>The dev metric as printed: eer, loss or frr@X.</summary>
    public string DevMetric { get; init; } = "";

    /// <summary>What picked <see cref="BestEpoch"/>, in words ("dev frr@1", "training loss (no dev split)"...).</summary>
    public string SelectedBy { get; init; } = "";

    /// <summary>The decay of the weight average the run folder serves (`--ema-decay`); null: the epoch's weights as trained.</summary>
    public double? EmaDecay { get; init; }

    /// <summary>The dev metric of <see cref="BestEpoch"/>; null when it was never finite.</summary>
    public double? BestDevMetric { get; init; }

    public bool StoppedEarly { get; init; }

    public int TrainClips { get; init; }

    public int DevClips { get; init; }

    public int HardNegativeBatchesPerEpoch { get; init; }

    /// <summary>Features per frame: mel bins plus the extra streams.</summary>
    public int InputDim { get; init; }

    /// <summary>The extra per-frame streams fed after the mel bins, in order (empty: audio only).</summary>
    public IReadOnlyList<string> Streams { get; init; } = [];

    public long Parameters { get; init; }

    /// <summary>Wall-clock seconds of training over all epochs (and sessions of a resumed run).</summary>
    public double TrainSeconds { get; init; }
}
