using System.Globalization;

namespace StreamingAnchor.Cluster;

/// <summary>Slurm's array index lists ("0-3,5,7-8", optionally "%N" to cap concurrent tasks), both ways.</summary>
public static class SlurmArraySpec
{
    /// <summary>Sorted, distinct indices with runs collapsed: [0,1,2,3,5] gives "0-3,5".</summary>
    public static string Format(IEnumerable<int> indices)
    {
        var sorted = indices.Distinct().Order().ToList();
        if (sorted.Count == 0 || sorted[0] < 0)
        {
            throw new ArgumentException("an array needs at least one index, none negative");
        }
        var parts = new List<string>();
        var start = sorted[0];
        for (var i = 1; i <= sorted.Count; i++)
        {
            if (i < sorted.Count && sorted[i] == sorted[i - 1] + 1)
            {
                continue;
            }
            var end = sorted[i - 1];
            parts.Add(start == end ? Invariant(start) : $"{Invariant(start)}-{Invariant(end)}");
            if (i < sorted.Count)
            {
                start = sorted[i];
            }
        }
        return string.Join(',', parts);
    }

    /// <summary>The indices of "0-3,5" or "1-7:2" (step) or "0-9%2" (the cap is dropped); bad text throws FormatException.</summary>
    public static IReadOnlyList<int> Parse(string spec)
    {
        var body = spec.Split('%')[0];
        var result = new List<int>();
        foreach (var part in body.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var stepParts = part.Split(':');
            var step = stepParts.Length == 2 ? Number(stepParts[1], spec) : 1;
            var range = stepParts[0].Split('-');
            var first = Number(range[0], spec);
            var last = range.Length == 2 ? Number(range[1], spec) : first;
            if (range.Length > 2 || stepParts.Length > 2 || last < first || step < 1)
            {
                throw new FormatException($"'{spec}' is not a Slurm array index list");
            }
            for (var i = first; i <= last; i += step)
            {
                result.Add(i);
            }
        }
        return result;
    }

    private static int Number(string text, string spec) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"'{spec}' is not a Slurm array index list");

    private static string Invariant(int n) => n.ToString(CultureInfo.InvariantCulture);
}
