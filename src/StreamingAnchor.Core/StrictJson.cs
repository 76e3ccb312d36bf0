using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace StreamingAnchor;

/// <summary>
/// Strict reading of every JSON file sal takes as input: unknown keys, null for a non-nullable field, missing
/// required fields and wrong types are errors, each turned into one complete line naming the file, the line (when
/// the document has several), the field and what was expected, e.g.
/// <c>cfg.json:3: field 'epoch' is not a train config field (did you mean 'epochs'?)</c>.
/// A typo in a config silently falling back to a default is the failure this exists to prevent.
/// </summary>
public static class StrictJson
{
    /// <summary>A copy of <paramref name="options"/> that reads strictly (writing is unchanged).</summary>
    public static JsonSerializerOptions Strict(JsonSerializerOptions options)
    {
        var strict = new JsonSerializerOptions(options)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(NullableParametersAreOptional),
        };
        strict.MakeReadOnly();
        return strict;
    }

    /// <summary>
    /// A nullable constructor parameter may be left out (files written with WhenWritingNull omit it): absent means null.
    /// Non-nullable ones stay required, so a record missing "end" fails instead of reading 0.
    /// </summary>
    private static void NullableParametersAreOptional(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }
        foreach (var property in info.Properties)
        {
            if (property.AssociatedParameter is { IsNullable: true })
            {
                property.IsRequired = false;
            }
        }
    }

    /// <summary>
    /// Deserialises <paramref name="json"/> with <paramref name="strictOptions"/> (from <see cref="Strict"/>).
    /// Throws <see cref="FormatException"/> with one line: "<paramref name="file"/>[:line]: field 'x' ...".
    /// </summary>
    /// <param name="document">What the file is, for messages: "manifest", "train config"...</param>
    /// <param name="line">The line of the file the JSON came from (JSONL); null: take it from the parser when the document spans several lines.</param>
    public static T Deserialize<T>(string json, JsonSerializerOptions strictOptions, string file, string document, int? line = null)
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(json, strictOptions);
        }
        catch (JsonException ex)
        {
            throw new FormatException(Describe(ex, json, typeof(T), strictOptions, file, document, line), ex);
        }
        return value ?? throw new FormatException($"{Where(file, line)}: empty {document} (null instead of an object)");
    }

    private static string Where(string file, int? line) => line is { } l ? $"{file}:{l}" : file;

    /// <summary>The one-line message for a serializer error: where, which field, what was wrong, what was expected.</summary>
    public static string Describe(JsonException ex, string json, Type root, JsonSerializerOptions options, string file, string document, int? line = null)
    {
        if (line is null && ex.LineNumber is { } parsed && json.Contains('\n'))
        {
            line = (int)parsed + 1;
        }
        var where = Where(file, line);
        var segments = ParsePath(ex.Path);
        var field = FieldName(segments);

        JsonDocument? doc = null;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException syntax)
        {
            return $"{where}: not valid JSON{(field is null ? "" : $" at field '{field}'")}: {SyntaxReason(syntax, json)}";
        }
        using (doc)
        {
            // Walk the type and the document along the path to the failing value.
            var type = root;
            var element = (JsonElement?)doc.RootElement;
            Type? parent = null;
            for (var i = 0; i < segments.Count; i++)
            {
                var info = options.GetTypeInfo(type);
                var segment = segments[i];
                parent = type;
                if (segment.Index is { } index)
                {
                    type = ElementType(info) ?? typeof(object);
                    element = element is { ValueKind: JsonValueKind.Array } a && index < a.GetArrayLength() ? a[index] : null;
                    continue;
                }
                var name = segment.Name!;
                element = element is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var child) ? child : null;
                if (info.Kind == JsonTypeInfoKind.Dictionary)
                {
                    type = ElementType(info) ?? typeof(object);
                    continue;
                }
                var property = FindProperty(info, name, options);
                if (property is null)
                {
                    var known = Settable(info).Select(p => p.Name).ToList();
                    var where2 = i == 0 ? $"is not a {document} field" : $"is not a field of {Noun(type, plural: false)}";
                    return $"{where}: field '{field}' {where2} ({Suggest(name, known)})";
                }
                type = property.PropertyType;
            }

            if (element is { ValueKind: JsonValueKind.Null } && field is not null)
            {
                return $"{where}: field '{field}' must not be null (expected {Expected(type, options)})";
            }
            if (element is { ValueKind: JsonValueKind.Object } obj && options.GetTypeInfo(type) is { Kind: JsonTypeInfoKind.Object } objInfo)
            {
                var missing = objInfo.Properties
                    .Where(p => p.IsRequired)
                    .Where(p => !obj.EnumerateObject().Any(j => NameMatches(j.Name, p.Name, options)))
                    .Select(p => p.Name)
                    .ToList();
                if (missing.Count > 0)
                {
                    var prefix = field is null ? "" : $"{field}.";
                    return $"{where}: field '{prefix}{missing[0]}' is missing (expected {Expected(objInfo.Properties.First(p => p.Name == missing[0]).PropertyType, options)})";
                }
            }
            var got = element is { } e ? $", got {KindName(e)}" : "";
            return field is null
                ? $"{where}: the {document} must be {Expected(type, options)}{got}"
                : $"{where}: field '{field}' must be {Expected(type, options)}{got}";
        }
    }

    /// <summary>"did you mean 'events'?" when a known name is within a small edit distance, else the known names.</summary>
    public static string Suggest(string name, IReadOnlyList<string> known)
    {
        var best = known
            .Select(k => (Name: k, Distance: EditDistance(name.ToLowerInvariant(), k.ToLowerInvariant())))
            .OrderBy(x => x.Distance)
            .FirstOrDefault();
        var limit = Math.Max(2, name.Length / 3);
        if (best.Name is not null && best.Distance <= limit)
        {
            return $"did you mean '{best.Name}'?";
        }
        return known.Count == 0 ? "no fields expected" : $"expected one of: {string.Join(", ", known)}";
    }

    /// <summary>Levenshtein distance (insert, delete, substitute).</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private sealed record Segment(string? Name, int? Index);

    /// <summary>Splits a serializer path like <c>$.events[0].label</c> or <c>$['a b']</c> into names and indices.</summary>
    private static List<Segment> ParsePath(string? path)
    {
        var segments = new List<Segment>();
        if (string.IsNullOrEmpty(path))
        {
            return segments;
        }
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] != '.' && path[end] != '[')
                {
                    end++;
                }
                segments.Add(new Segment(path[(i + 1)..end], null));
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                end = end < 0 ? path.Length : end;
                segments.Add(new Segment(path[(i + 2)..end], null));
                i = Math.Min(path.Length, end + 2);
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                end = end < 0 ? path.Length : end;
                segments.Add(new Segment(null, int.TryParse(path[(i + 1)..end], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0));
                i = end + 1;
            }
            else
            {
                i++;
            }
        }
        return segments;
    }

    /// <summary>The path as a user writes it: <c>events[0].label</c>.</summary>
    private static string? FieldName(List<Segment> segments)
    {
        if (segments.Count == 0)
        {
            return null;
        }
        var text = new System.Text.StringBuilder();
        foreach (var s in segments)
        {
            if (s.Index is { } index)
            {
                text.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            else
            {
                if (text.Length > 0)
                {
                    text.Append('.');
                }
                text.Append(s.Name);
            }
        }
        return text.ToString();
    }

    private static Type? ElementType(JsonTypeInfo info) => info.Kind is JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary ? info.ElementType : null;

    private static IEnumerable<JsonPropertyInfo> Settable(JsonTypeInfo info) =>
        info.Properties.Where(p => p.Set is not null || p.AssociatedParameter is not null);

    private static bool NameMatches(string json, string property, JsonSerializerOptions options) =>
        string.Equals(json, property, options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private static JsonPropertyInfo? FindProperty(JsonTypeInfo info, string name, JsonSerializerOptions options) =>
        info.Kind == JsonTypeInfoKind.Object ? Settable(info).FirstOrDefault(p => NameMatches(name, p.Name, options)) : null;

    /// <summary>What a value of <paramref name="type"/> looks like in JSON, in words.</summary>
    private static string Expected(Type type, JsonSerializerOptions options)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return options.NumberHandling.HasFlag(JsonNumberHandling.AllowNamedFloatingPointLiterals) ? "a number" : "a finite number";
        }
        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ulong))
        {
            return "a whole number";
        }
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", EnumNames.All(type).Select(n => $"\"{n}\""));
        }
        var info = options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => $"a list of {Noun(info.ElementType!, plural: true)}",
            JsonTypeInfoKind.Dictionary => $"an object of {Noun(info.ElementType!, plural: true)}",
            JsonTypeInfoKind.Object => $"{Noun(type, plural: false)} with fields {string.Join(", ", Settable(info).Select(p => p.Name))}",
            _ => $"a {type.Name} value",
        };
    }

    /// <summary>A readable noun for a type: ManifestEvent -> "event(s)", string -> "strings", double -> "numbers".</summary>
    private static string Noun(Type type, bool plural)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return plural ? "strings" : "a string";
        if (type == typeof(double) || type == typeof(float) || type == typeof(int) || type == typeof(long)) return plural ? "numbers" : "a number";
        if (type == typeof(bool)) return plural ? "booleans" : "a boolean";
        if (type.IsArray || (type.IsGenericType && type.GetGenericArguments().Length == 1 && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)))
        {
            return plural ? "lists" : "a list";
        }
        // Last word of the type name: ManifestEvent -> event, EpochMetrics -> metrics.
        var name = type.Name;
        var start = name.Length - 1;
        while (start > 0 && !char.IsUpper(name[start]))
        {
            start--;
        }
        var word = name[start..].ToLowerInvariant();
        if (plural)
        {
            return word.EndsWith('s') ? word : word + "s";
        }
        return ("aeiou".Contains(word[0]) ? "an " : "a ") + word;
    }

    private static string KindName(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Truncate(e.GetString() ?? "")}\"",
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";

    /// <summary>The parser's reason without its "Path: ... | LineNumber: ..." tail; NaN and Infinity get a plain explanation.</summary>
    private static string SyntaxReason(JsonException ex, string json)
    {
        var message = ex.Message;
        var tail = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (tail < 0)
        {
            tail = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }
        message = (tail >= 0 ? message[..tail] : message).TrimEnd('.', ' ');
        if (System.Text.RegularExpressions.Regex.IsMatch(json, @"[:\[,]\s*-?(NaN|Infinity)\b"))
        {
            return $"{message} (NaN and Infinity are not JSON numbers; write a finite number)";
        }
        return message;
    }
}
