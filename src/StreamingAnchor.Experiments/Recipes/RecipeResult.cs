using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Recipes;

/// <summary>
/// What a recipe produced: the steps with their times, the run it shipped (and why), the test evaluation at the
/// configured budgets, the model's size and the files a user takes away.
/// </summary>
public sealed record RecipeResult(
    RecipeConfig Config,
    string Folder,
    IReadOnlyList<RecipeStageResult> Stages,
    string SelectedRun,
    string Selection,
    EvaluationSummary Evaluation,
    long Parameters,
    string Manifest,
    string OnnxPath,
    string CardPath,
    string ReportPath)
{
    /// <summary>Wall seconds of every step, counting skipped steps at the time they took when they ran.</summary>
    public double Seconds => Stages.Sum(s => s.Record.Seconds);
}
