using System.Text.Json;

namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// results.json of a grid: its config, the data it ran on, the machine, every cell's result and the aggregate over
/// seeds (of the finished cells: <see cref="PlannedCells"/> says how many the grid has). <see cref="ComputeSeconds"/> sums the cells' training and evaluation time (over every session of a
/// resumed grid).
/// </summary>
public sealed record ExperimentResults(
    ExperimentConfig Config,
    DataSummary Data,
    string Machine,
    IReadOnlyList<CellResult> Cells,
    IReadOnlyList<AggregateRow> Rows,
    int PlannedCells,
    double ComputeSeconds,
    DateTimeOffset Finished)
{
    public const string FileName = "results.json";

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, ProjectJson.Results));

    public static ExperimentResults Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no experiment results (run `sal experiment` first)", path);
        }
        return StrictJson.Deserialize<ExperimentResults>(File.ReadAllText(path), ProjectJson.StrictResults, path, "experiment results");
    }
}
