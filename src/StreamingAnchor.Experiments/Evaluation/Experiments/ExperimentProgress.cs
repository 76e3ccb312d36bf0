using StreamingAnchor.Training;

namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// Progress of a grid. Stage: "data" (generating the corpus; Message says what), "skip" (cell already finished),
/// "features", "train" (with <see cref="Train"/>), "retry" (libtorch failed; Message says so, the cell resumes from its
/// last checkpoint), "eval", "done" (with <see cref="Result"/>).
/// </summary>
public sealed record ExperimentProgress(
    int Cell,
    int Cells,
    string Name,
    string Stage,
    TrainProgress? Train = null,
    CellResult? Result = null,
    string? Message = null,
    (int Done, int Total)? Count = null);
