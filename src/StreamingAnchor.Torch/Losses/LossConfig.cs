using StreamingAnchor.Anchors;

namespace StreamingAnchor.Losses;

/// <summary>
/// Every option of the loss family with its default (docs/losses.md has the formulas). Spreads are in frames:
/// the decay constant tau for "exp", the standard deviation for "gaussian", the half-width W for "triangular"/"box".
/// </summary>
public sealed record LossConfig
{
    /// <summary>ce | focal | sal | sa+fl | safl | maxpool.</summary>
    public LossKind Kind { get; init; } = LossKind.Sal;

    /// <summary>Temporal-significance kernel: exp | gaussian | triangular | box.</summary>
    public KernelShape Kernel { get; init; } = KernelShape.Exponential;

    /// <summary>Kernel spread on both sides of the anchor, in frames.</summary>
    public double Tau { get; init; } = 8;

    /// <summary>Spread for frames before the anchor (overrides <see cref="Tau"/>); 0 makes the kernel zero before it.</summary>
    public double? TauBefore { get; init; }

    /// <summary>Spread for frames after the anchor (overrides <see cref="Tau"/>); 0 makes the kernel zero after it.</summary>
    public double? TauAfter { get; init; }

    /// <summary>When set, frames farther than this many frames from every anchor have significance 0.</summary>
    public double? MaxDistance { get; init; }

    /// <summary>
    /// Frames every anchor moves by before the significance is computed: negative moves the emphasis into the event
    /// (a point inside the keyword), positive past it. Labels and the evaluator's anchors stay where the task puts them,
    /// so this asks only where the loss should concentrate, not when a detection counts.
    /// </summary>
    public double AnchorShift { get; init; }

    /// <summary>
    /// sal, sa+fl and safl: the significance also peaks where each near miss marked in the data (<c>meta.near_miss</c>)
    /// ends. Those frames keep their negative targets; their weight (or focal exponent) rises as a keyword end's does,
    /// because a near miss's end is where a detector fires falsely, as a keyword's end is where it must fire.
    /// </summary>
    public bool NearMissAnchors { get; init; }

    /// <summary>Anchor emphasis: the weight (1 + Lambda s) of sal and sa+fl (and safl with <see cref="SaflAnchorWeight"/>).</summary>
    public double Lambda { get; init; } = 4;

    /// <summary>Focal exponent of focal and sa+fl; the exponent of safl is Gamma * s.</summary>
    public double Gamma { get; init; } = 2;

    /// <summary>safl only: also multiply by (1 + Lambda s).</summary>
    public bool SaflAnchorWeight { get; init; }

    /// <summary>mean (over valid frames) | weight-sum (normalised by the sum of the frames' weights).</summary>
    public LossReduction Reduction { get; init; } = LossReduction.Mean;

    /// <summary>Per-class weights indexed by target (length 2 for a one-logit binary model, else C); null means all 1.</summary>
    public double[]? ClassWeights { get; init; }

    /// <summary>maxpool only: where a positive sequence looks for its peak: targets (frames labelled with the class) | sequence.</summary>
    public MaxPoolRegion MaxPoolRegion { get; init; } = MaxPoolRegion.Targets;

    /// <summary>The kernel these options describe.</summary>
    public SignificanceKernel SignificanceKernel() =>
        new(Kernel, TauBefore ?? Tau, TauAfter ?? Tau, MaxDistance);

    /// <summary>Throws a one-line ArgumentException naming the first bad option.</summary>
    public void Validate()
    {
        // A cast from a number can hold a value no name stands for.
        Defined(Kind, "loss kind");
        Defined(Kernel, "kernel");
        Defined(Reduction, "loss reduction");
        Defined(MaxPoolRegion, "maxpool region");
        SignificanceKernel().Validate();
        if (!double.IsFinite(AnchorShift))
        {
            throw new ArgumentException($"loss anchor shift must be a finite number of frames, got {AnchorShift}");
        }
        if (NearMissAnchors && !Kind.HasSignificance())
        {
            throw new ArgumentException($"near-miss anchors weight frames by their significance, which loss '{Kind.Name()}' has none of (expected sal, sa+fl or safl)");
        }
        if (!double.IsFinite(Lambda) || Lambda < 0)
        {
            throw new ArgumentException($"loss lambda must be finite and >= 0, got {Lambda}");
        }
        if (!double.IsFinite(Gamma) || Gamma < 0)
        {
            throw new ArgumentException($"loss gamma must be finite and >= 0, got {Gamma}");
        }
        if (ClassWeights is not null)
        {
            for (var i = 0; i < ClassWeights.Length; i++)
            {
                if (!double.IsFinite(ClassWeights[i]) || ClassWeights[i] < 0)
                {
                    throw new ArgumentException($"class weight {i} must be finite and >= 0, got {ClassWeights[i]}");
                }
            }
        }
    }

    private static void Defined<T>(T value, string what) where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentException($"unknown {what} '{value}' (expected {EnumNames.Expected<T>()})");
        }
    }
}
