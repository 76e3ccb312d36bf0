using System.Globalization;
using System.Text;
using System.Text.Json;
using StreamingAnchor.Training;

namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// Two grids compared cell by cell (`sal experiment compare BASE OTHER`): the cells both finished, paired by name
/// (model, loss, sweep value, seed), at each false-alarm budget, read from each cell's saved DET curve. Pairing by seed
/// is what makes a change visible through a seed spread larger than the change: the question is how often and by how
/// much the other grid beats the base in the same seed, not whether two means over seeds differ.
/// </summary>
public sealed record ExperimentComparison(
    string Base,
    string Other,
    bool IsOnset,
    IReadOnlyList<double> Budgets,
    IReadOnlyList<ExperimentComparison.Pair> Pairs)
{
    /// <summary>
    /// One cell in both grids: its result in each at every budget (same order as <see cref="Budgets"/>), and whether the
    /// two trained identically (equal training loss every epoch: the grids differ only in what was scored or shipped).
    /// </summary>
    public sealed record Pair(string Name, string Model, string Loss, IReadOnlyList<CellResult> BaseAt, IReadOnlyList<CellResult> OtherAt, bool SameTraining);

    /// <summary>Reads both grids' finished cells at <paramref name="budgets"/> (null: the base grid's own budget).</summary>
    public static ExperimentComparison Of(string baseFolder, string otherFolder, IReadOnlyList<double>? budgets = null)
    {
        var baseConfig = ExperimentRunner.LoadConfig(baseFolder);
        var otherConfig = ExperimentRunner.LoadConfig(otherFolder);
        if (baseConfig.Task != otherConfig.Task)
        {
            throw new InvalidDataException(
                $"{otherFolder}: task {otherConfig.Task.Name()} is not the base grid's ({baseConfig.Task.Name()} in {baseFolder}); compare grids of one task");
        }
        var at = budgets is { Count: > 0 } ? budgets : [baseConfig.FaPerHour];
        var baseCells = at.Select(b => ExperimentRunner.Collect(baseFolder, b).Cells.ToDictionary(c => c.Name)).ToList();
        var otherCells = at.Select(b => ExperimentRunner.Collect(otherFolder, b).Cells.ToDictionary(c => c.Name)).ToList();
        var pairs = baseCells[0].Keys.Where(otherCells[0].ContainsKey).Order(StringComparer.Ordinal)
            .Select(name => new Pair(name, baseCells[0][name].Model, baseCells[0][name].Loss,
                baseCells.Select(c => c[name]).ToList(), otherCells.Select(c => c[name]).ToList(),
                SameTrainingLosses(CellFolder(baseFolder, name), CellFolder(otherFolder, name))))
            .ToList();
        return new ExperimentComparison(baseFolder, otherFolder, baseConfig.IsOnset, at, pairs);
    }

    private static string CellFolder(string grid, string cell) => Path.Combine(grid, ExperimentRunner.CellsFolder, cell);

    /// <summary>Whether both cells recorded the same epochs with bit-equal training losses.</summary>
    private static bool SameTrainingLosses(string a, string b)
    {
        static double[] Losses(string cell)
        {
            var path = Path.Combine(cell, Trainer.MetricsFile);
            return File.Exists(path)
                ? File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("trainLoss").GetDouble()).ToArray()
                : [];
        }
        var x = Losses(a);
        return x.Length > 0 && x.SequenceEqual(Losses(b));
    }

    /// <summary>Per cell, then per model and loss: mean ± sd of each grid, the mean paired difference and how often the other grid misses fewer.</summary>
    public string Markdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var fa = IsOnset ? "FO/h" : "FA/h";
        var frr = IsOnset ? "miss rate" : "FRR";
        var sb = new StringBuilder();
        sb.Append(inv, $"### `{Base}` (base) against `{Other}`\n\n");
        if (Pairs.Count == 0)
        {
            sb.Append("No cell finished in both grids.\n");
            return sb.ToString();
        }
        var same = Pairs.Count(p => p.SameTraining);
        sb.Append(inv, $"{Pairs.Count} cells finished in both; {same} of them trained identically (equal training loss every epoch). ");
        sb.Append(inv, $"{frr} at the best threshold with at most each budget on each grid's test streams; latency at {Budgets[0]:0.##} {fa}.\n\n");
        sb.Append("| cell |");
        foreach (var b in Budgets)
        {
            sb.Append(inv, $" {frr} @{b:0.##} {fa}, base / other |");
        }
        sb.Append(" median latency, base / other | EER, base / other | same training |\n|---|");
        sb.Append(string.Concat(Enumerable.Repeat("---|", Budgets.Count + 3))).Append('\n');
        foreach (var p in Pairs)
        {
            sb.Append(inv, $"| {p.Name} |");
            for (var i = 0; i < Budgets.Count; i++)
            {
                sb.Append(inv, $" {Percent(p.BaseAt[i].Frr)} / {Percent(p.OtherAt[i].Frr)} |");
            }
            sb.Append(inv, $" {Millis(p.BaseAt[0].LatencyMedian)} / {Millis(p.OtherAt[0].LatencyMedian)} ms | {Percent(p.BaseAt[0].Eer)} / {Percent(p.OtherAt[0].Eer)} | {(p.SameTraining ? "yes" : "no")} |\n");
        }
        sb.Append(inv, $"\n| model | loss | cells | budget | {frr}, base | {frr}, other | other - base, paired mean | other misses fewer / more / same |\n");
        sb.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (var group in Pairs.GroupBy(p => (p.Model, p.Loss)))
        {
            var cells = group.ToList();
            for (var i = 0; i < Budgets.Count; i++)
            {
                var a = cells.Select(p => p.BaseAt[i].Frr).ToList();
                var b = cells.Select(p => p.OtherAt[i].Frr).ToList();
                var d = a.Zip(b, (x, y) => y - x).ToList();
                sb.Append(inv,
                    $"| {group.Key.Model} | {group.Key.Loss} | {cells.Count} | {Budgets[i]:0.##} {fa} | {Stats(a)} | {Stats(b)} | {100 * d.Average():+0.0;-0.0;0.0} points | {d.Count(x => x < 0)} / {d.Count(x => x > 0)} / {d.Count(x => x == 0)} |\n");
            }
        }
        var all = Pairs.SelectMany(p => p.BaseAt.Zip(p.OtherAt, (x, y) => y.Frr - x.Frr)).ToList();
        sb.Append(inv,
            $"\nOver all {Pairs.Count} cells and {Budgets.Count} budget(s): the other grid misses fewer in {all.Count(x => x < 0)}, more in {all.Count(x => x > 0)}, the same in {all.Count(x => x == 0)} (mean {100 * all.Average():+0.0;-0.0;0.0} points).\n");
        return sb.ToString();
    }

    private static string Percent(double x) => double.IsFinite(x) ? (100 * x).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "-";

    private static string Millis(double seconds) => double.IsFinite(seconds) ? (1000 * seconds).ToString("0", CultureInfo.InvariantCulture) : "-";

    private static string Stats(IReadOnlyList<double> values) => ExperimentReport.Format(MetricStats.Of(values), 100, "0.0", " %");
}
