using System.Globalization;

namespace StreamingAnchor.Data.Importers;

/// <summary>
/// Reads a CTM file (<c>utterance channel start duration word [confidence]</c>, times in seconds) into word intervals
/// per utterance. A malformed line is named with its number.
/// </summary>
public static class CtmReader
{
    public static Dictionary<string, List<WordInterval>> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: CTM file not found", path);
        }
        var result = new Dictionary<string, List<WordInterval>>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith(";;", StringComparison.Ordinal))
            {
                continue;
            }
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 5
                || !double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var start)
                || !double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var duration)
                || !double.IsFinite(start) || !double.IsFinite(duration) || start < 0 || duration < 0)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: expected 'utterance channel start duration word', got '{line}'");
            }
            if (!result.TryGetValue(f[0], out var words))
            {
                result[f[0]] = words = [];
            }
            words.Add(new WordInterval(f[4], start, start + duration));
        }
        return result;
    }
}
