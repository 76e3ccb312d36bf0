using StreamingAnchor.Losses;
using StreamingAnchor.Models;

namespace StreamingAnchor.Training;

/// <summary>What <see cref="TrainBenchmark"/> measures: the grid of configs and how long each is timed.</summary>
public sealed record TrainBenchmarkOptions
{
    public IReadOnlyList<ModelFamily> Families { get; init; } = ModelPreset.Families;
    public IReadOnlyList<ModelSize> Presets { get; init; } = [ModelSize.Small, ModelSize.Medium];
    public IReadOnlyList<int> Batches { get; init; } = [8, 32, 128];
    public IReadOnlyList<int> Threads { get; init; } = [1, 2];

    /// <summary>
    /// Data-parallel replica counts measured beside the thread counts, each replica on one libtorch thread
    /// (<see cref="ReplicaGroup"/>); 1 adds nothing (it is the 1-thread config).
    /// </summary>
    public IReadOnlyList<int> Replicas { get; init; } = [2];

    /// <summary>Load conditions: false = idle, true = with a CPU-bound child process the benchmark starts.</summary>
    public IReadOnlyList<bool> Competing { get; init; } = [false, true];

    /// <summary>Frames per sequence (200 = 2 s, the training window of the grid).</summary>
    public int Frames { get; init; } = 200;

    public int InputDim { get; init; } = 40;

    /// <summary>Logits per frame (1 = one sigmoid output).</summary>
    public int Classes { get; init; } = 1;

    /// <summary>Untimed steps per config before its first timed round.</summary>
    public int WarmupSteps { get; init; } = 2;

    /// <summary>Timed rounds; each runs every config once, for at least <see cref="SecondsPerRound"/> (and one step).</summary>
    public int Rounds { get; init; } = 3;

    public double SecondsPerRound { get; init; } = 0.3;

    public LossConfig Loss { get; init; } = new();

    public int Seed { get; init; } = 1;
}
