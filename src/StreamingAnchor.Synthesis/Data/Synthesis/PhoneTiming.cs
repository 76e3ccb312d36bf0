namespace StreamingAnchor.Data.Synthesis;

/// <summary>Segment (phone) end times reported by an engine, and the speech span they imply.</summary>
public static class PhoneTiming
{
    private static bool IsPause(string name) => name is "pau" or "h#" or "#" or "sil";

    /// <summary>
    /// Start of the first non-pause phone (end of the segment before it, 0 if none) and end of the last non-pause
    /// phone, in seconds; null when there is no phone.
    /// </summary>
    public static (double Start, double End)? SpeechSpan(IReadOnlyList<(string Name, double End)> segments)
    {
        var first = -1;
        var last = -1;
        for (var i = 0; i < segments.Count; i++)
        {
            if (!IsPause(segments[i].Name))
            {
                if (first < 0)
                {
                    first = i;
                }
                last = i;
            }
        }
        if (first < 0)
        {
            return null;
        }
        var start = first == 0 ? 0 : segments[first - 1].End;
        return (start, segments[last].End);
    }

    /// <summary>Parses flite's <c>-psdur</c> output: <c>pau:0.164 hh:0.277 ...</c>.</summary>
    public static IReadOnlyList<(string Name, double End)> ParseFlite(string text)
    {
        var list = new List<(string, double)>();
        foreach (var token in text.Split([' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = token.LastIndexOf(':');
            if (colon > 0 && double.TryParse(token[(colon + 1)..], System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture, out var end))
            {
                list.Add((token[..colon], end));
            }
        }
        return list;
    }

    /// <summary>Parses the <c>name end</c> lines the festival batch script writes.</summary>
    public static IReadOnlyList<(string Name, double End)> ParseFestival(string text)
    {
        var list = new List<(string, double)>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2)
            {
                list.Add((parts[0], SpeechCut.ParseSeconds(parts[1])));
            }
        }
        return list;
    }
}
