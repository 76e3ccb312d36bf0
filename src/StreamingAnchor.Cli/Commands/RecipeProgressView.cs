using System.Globalization;
using StreamingAnchor.Recipes;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal recipe` progress as plain lines (stderr): each step's start, its notes (epochs, mining rounds, warnings), its
/// work at every further quarter per topic, and its end with the wall time.
/// </summary>
internal sealed class RecipeProgressView(TextWriter writer) : IProgress<RecipeProgress>
{
    private readonly Dictionary<string, int> _quarters = [];
    private readonly Lock _gate = new();

    public void Report(RecipeProgress p)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"recipe [{p.Index}/{p.Steps}] {p.Step.Name}");
        lock (_gate)
        {
            switch (p.Event)
            {
                case RecipeEvent.Started:
                    _quarters.Clear();
                    writer.WriteLine($"{head}: {p.Message}");
                    break;
                case RecipeEvent.Skipped:
                    writer.WriteLine($"{head}: skipped, {p.Message}");
                    break;
                case RecipeEvent.Finished:
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{head}: done in {p.Seconds:0.0} s: {p.Message}"));
                    break;
                case RecipeEvent.Note:
                    writer.WriteLine($"{head}: {p.Message}");
                    break;
                default:
                    var quarter = p.Total > 0 ? p.Done * 4 / p.Total : 0;
                    if (!_quarters.TryGetValue(p.Topic, out var last) || quarter > last)
                    {
                        _quarters[p.Topic] = quarter;
                        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{head}: {p.Topic} {p.Done}/{p.Total}{(p.Message.Length > 0 ? ", " + p.Message : "")} ({p.Seconds:0} s)"));
                    }
                    break;
            }
            writer.Flush();
        }
    }
}
