namespace StreamingAnchor.Losses;

/// <summary>What <see cref="LossBenchmark"/> measures: shapes, kinds, and how many interleaved rounds.</summary>
public sealed record LossBenchmarkOptions
{
    public int Batch { get; init; } = 64;
    public int Frames { get; init; } = 200;

    /// <summary>Each C gives one shape [Batch, Frames, C].</summary>
    public IReadOnlyList<int> ClassCounts { get; init; } = [1, 12];

    /// <summary>Loss kinds to time; "ce" is always timed too, as the reference of every ratio.</summary>
    public IReadOnlyList<LossKind> Kinds { get; init; } = Enum.GetValues<LossKind>();

    /// <summary>Untimed rounds first (libtorch allocator and thread pool warm-up).</summary>
    public int WarmupRounds { get; init; } = 30;

    /// <summary>
    /// Warm-up also lasts at least this long: .NET's tiered JIT recompiles hot loops with full optimisation only after
    /// a delay, and timing before that measures unoptimised code.
    /// </summary>
    public double WarmupSeconds { get; init; } = 3;

    /// <summary>Timed rounds; each round runs every kind once on every shape, in a rotating order.</summary>
    public int Rounds { get; init; } = 300;

    public int Seed { get; init; } = 1;

    /// <summary>Also time each kind's reference path (the formula as libtorch ops), next to its fused fast path.</summary>
    public bool IncludeReference { get; init; }

    /// <summary>Options shared by every timed loss (the kind is set per row).</summary>
    public LossConfig Loss { get; init; } = new();
}
