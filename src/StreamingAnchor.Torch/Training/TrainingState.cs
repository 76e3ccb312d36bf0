namespace StreamingAnchor.Training;

/// <summary>
/// Where a run stands after an epoch: what a resume needs besides the weights and the optimiser. Randomness is
/// re-seeded from (seed, epoch) at the start of every epoch, so epoch and step are the whole RNG state.
/// </summary>
public sealed record TrainingState(int EpochsDone, long Step, double BestMetric, int BestEpoch, int EpochsWithoutImprovement, bool Stopped);
