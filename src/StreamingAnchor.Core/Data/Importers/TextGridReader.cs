using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace StreamingAnchor.Data.Importers;

/// <summary>
/// Reads Praat TextGrid interval tiers (long "ooTextFile" form as written by Montreal Forced Aligner, and the short
/// form), returning the intervals of one tier. Malformed files give a one-line error naming the file.
/// </summary>
public static partial class TextGridReader
{
    public static IReadOnlyList<string> TierNames(string path) => Parse(path).Select(t => t.Name).ToList();

    /// <summary>Intervals of the named tier (case-insensitive), in file order; empty labels are kept as "".</summary>
    public static List<WordInterval> ReadTier(string path, string tier = "words")
    {
        var tiers = Parse(path);
        var found = tiers.FirstOrDefault(t => string.Equals(t.Name, tier, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidDataException($"{path}: no tier named '{tier}' (tiers: {string.Join(", ", tiers.Select(t => t.Name))})");
        return found.Intervals;
    }

    private sealed record Tier(string Name, List<WordInterval> Intervals);

    private static List<Tier> Parse(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: TextGrid not found", path);
        }
        var text = ReadText(path);
        if (!text.Contains("TextGrid", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: not a Praat TextGrid");
        }
        // Both forms carry the same sequence of numbers and quoted strings; the long form adds "key =" labels and
        // "item [1]:" markers, which are dropped, so one reader handles both.
        var tokens = TokenPattern().Matches(text).Select(m => m.Value)
            .Where(t => t[0] == '"' || t is "<exists>" or "<absent>"
                || double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .ToList();
        var pos = 0;
        string Next()
        {
            if (pos >= tokens.Count)
            {
                throw new InvalidDataException($"{path}: TextGrid ends early");
            }
            return tokens[pos++];
        }
        double Number()
        {
            var t = Next();
            return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v : throw new InvalidDataException($"{path}: expected a number, found '{t}'");
        }
        string Str()
        {
            var t = Next();
            return t.Length >= 2 && t[0] == '"' ? t[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal)
                : throw new InvalidDataException($"{path}: expected a quoted string, found '{t}'");
        }

        // Header: "ooTextFile" "TextGrid" xmin xmax <exists> size
        while (pos < tokens.Count && tokens[pos][0] == '"')
        {
            pos++;
        }
        Number();
        Number();
        var exists = Next();
        if (exists is not ("<exists>" or "<absent>"))
        {
            throw new InvalidDataException($"{path}: malformed TextGrid header");
        }
        var tierCount = exists == "<absent>" ? 0 : (int)Number();
        var result = new List<Tier>();
        for (var k = 0; k < tierCount; k++)
        {
            var cls = Str();
            var name = Str();
            Number();
            Number();
            var n = (int)Number();
            if (n < 0 || n > 10_000_000)
            {
                throw new InvalidDataException($"{path}: tier '{name}' claims {n} items");
            }
            var intervals = new List<WordInterval>(Math.Min(n, 100_000));
            for (var i = 0; i < n; i++)
            {
                if (cls == "IntervalTier")
                {
                    var start = Number();
                    var end = Number();
                    var label = Str();
                    if (!(end >= start))
                    {
                        throw new InvalidDataException($"{path}: tier '{name}' interval {i + 1} ends ({end}) before it starts ({start})");
                    }
                    intervals.Add(new WordInterval(label, start, end));
                }
                else
                {
                    var time = Number();
                    var mark = Str();
                    intervals.Add(new WordInterval(mark, time, time));
                }
            }
            result.Add(new Tier(name, intervals));
        }
        return result;
    }

    private static string ReadText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        // Praat writes UTF-16 with a BOM when labels need it, UTF-8 otherwise.
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            return Encoding.Unicode.GetString(bytes) is var s && bytes[0] == 0xFF ? s[1..] : Encoding.BigEndianUnicode.GetString(bytes)[1..];
        }
        return Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
    }

    [GeneratedRegex("\"(?:[^\"]|\"\")*\"|<exists>|<absent>|\\[[^\\]]*\\]|[A-Za-z_][A-Za-z_0-9]*\\s*=|[-+0-9.eE]+|\\S+")]
    private static partial Regex TokenPattern();
}
