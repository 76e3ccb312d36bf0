namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>One sbatch of a grid: the array's job id and the cells (array indices) it holds.</summary>
public sealed record GridSubmission(long JobId, IReadOnlyList<int> Cells, DateTimeOffset Submitted);
