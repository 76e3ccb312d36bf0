namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// One cell of a grid as `sal experiment status` shows it: index (the array index), name, state, the Slurm task that
/// holds or last held it ("12_3", null if never submitted) and, for a failed cell, what is known of why.
/// </summary>
public sealed record CellStatus(int Index, string Name, CellState State, string? Task = null, string? Detail = null);
