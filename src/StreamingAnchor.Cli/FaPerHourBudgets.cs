using System.Globalization;

namespace StreamingAnchor.Cli;

/// <summary>The `--fa-per-hour 0.5,1,5` list of false-alarm budgets that `sal eval` and `sal peers` report at.</summary>
internal static class FaPerHourBudgets
{
    /// <summary>"1,10" to [1, 10] (sorted, distinct); null when the option is absent. Every budget must be a positive number.</summary>
    public static List<double>? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var values = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !(v > 0) || !double.IsFinite(v))
            {
                throw new UsageException($"--fa-per-hour: '{part}' is not a positive number of false alarms per hour");
            }
            values.Add(v);
        }
        return values.Count > 0 ? values.Distinct().Order().ToList() : throw new UsageException("--fa-per-hour: no budget given");
    }
}
