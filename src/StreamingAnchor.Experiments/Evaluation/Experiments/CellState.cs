namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>Where a cell of a grid stands: never submitted, queued, running, finished (its result.json exists), or failed.</summary>
public enum CellState
{
    Missing,
    Pending,
    Running,
    Done,
    Failed,
}
