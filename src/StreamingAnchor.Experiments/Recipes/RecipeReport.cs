using System.Globalization;
using System.Text;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Training;

namespace StreamingAnchor.Recipes;

/// <summary>The recipe's summary (recipe.md, and what `sal recipe` prints): stage times, the test result at each budget, the model, the files.</summary>
public static class RecipeReport
{
    public static string Markdown(RecipeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var inv = CultureInfo.InvariantCulture;
        var c = result.Config;
        var e = result.Evaluation;
        var onset = c.Kind == RecipeKind.Onset;
        string Rel(string path) => Path.GetRelativePath(result.Folder, path).Replace('\\', '/');
        var sb = new StringBuilder();
        sb.Append(inv, $"# sal recipe {(onset ? "onset" : $"kws: \"{c.Keyword}\"")}\n\n");
        sb.Append("| stage | wall time | result |\n|---|---|---|\n");
        foreach (var s in result.Stages)
        {
            sb.Append(inv, $"| {s.Step.Name} | {Recipe.Seconds(s.Record.Seconds)}{(s.Skipped ? " (earlier run)" : "")} | {s.Record.Summary.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }
        sb.Append(inv, $"| total | {Recipe.Seconds(result.Seconds)} | on {Environment.ProcessorCount} cores |\n\n");

        var at = e.Result.AtThreshold;
        var events = onset ? "speech onsets" : "keywords";
        sb.Append(inv, $"Test split: {at.Streams} streams, {at.Hours:0.##} h, {at.Events} {events}; one false alarm is {1 / Math.Max(at.Hours, 1e-9):0.##} FA/h.\n\n");
        sb.Append(inv, $"| FA/h budget | {(onset ? "miss rate" : "FRR")} | median latency | p90 latency | threshold |\n|---|---|---|---|---|\n");
        foreach (var t in e.Result.Targets)
        {
            var p = t.Point;
            sb.Append(inv, $"| {t.FaPerHourTarget:0.##} | {EvaluationSummary.Pct(p.Frr)} ({p.Hits}/{p.Events} hit) | {EvaluationSummary.Ms(p.Latency.Median)} | {EvaluationSummary.Ms(p.Latency.P90)} | {EvaluationSummary.Threshold(p.Threshold)} |\n");
        }
        sb.Append(inv, $"\nEER {(double.IsNaN(e.Result.Eer) ? "-" : EvaluationSummary.Pct(e.Result.Eer))}.\n\n");
        sb.Append(inv, $"Model: {c.ModelSettings().Describe()}, {result.Parameters:N0} parameters, loss {c.Loss.Name()} (exp kernel, tau {c.Tau}, lambda {c.Lambda}, gamma {c.Gamma}); {result.Selection}.\n\n");
        sb.Append("Files:\n\n");
        sb.Append(inv, $"- ONNX (16 kHz samples in, posteriors and detector score out): `{Rel(result.OnnxPath)}`, model card `{Rel(result.CardPath)}`\n");
        sb.Append(inv, $"- run folder: `{Rel(result.SelectedRun)}` (evaluation in `{Rel(Path.Combine(result.SelectedRun, RunEvaluator.EvalFolder))}/report.md`, DET and latency figures beside it)\n");
        sb.Append(inv, $"- corpus: `{Rel(result.Manifest)}` (summary `{RecipeCorpus.FileName}`); settings: `{Recipe.ConfigFile}` (`sal recipe {(onset ? "onset" : "kws")} --config {Recipe.ConfigFile} --out DIR` repeats them)\n");
        return sb.ToString();
    }
}
