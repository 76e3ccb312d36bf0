using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamingAnchor;

/// <summary>
/// The JSON settings of every file sal writes and reads (configs, run files, manifests, results): camelCase keys, enums
/// by name (their <see cref="JsonStringEnumMemberNameAttribute"/> where they have one, e.g. "sa+fl", else camelCase),
/// nulls left out, and "+" or "'" written as themselves, since people read these files. The variants differ only in
/// layout, in whether NaN may be written (measurements can be undefined; configs and manifests cannot) and in
/// strictness; the files a port reads (model card, state tensors, conformance vectors) take the snake_case of the
/// ONNX names instead (Export/CardJson).
/// </summary>
public static class ProjectJson
{
    /// <summary>Indented: configs and run files people open (train.json, model.json, frontend.json...).</summary>
    public static JsonSerializerOptions Options { get; } = Create(indented: true, namedFloats: false);

    /// <summary>One document per line: manifests and other JSONL.</summary>
    public static JsonSerializerOptions Line { get; } = Create(indented: false, namedFloats: false);

    /// <summary>Indented, NaN and Infinity allowed: measurements (evaluation and experiment results).</summary>
    public static JsonSerializerOptions Results { get; } = Create(indented: true, namedFloats: true);

    /// <summary>One line per record, NaN and Infinity allowed: metrics.jsonl and checkpoint headers.</summary>
    public static JsonSerializerOptions ResultLines { get; } = Create(indented: false, namedFloats: true);

    /// <summary><see cref="Options"/> reading strictly (<see cref="StrictJson"/>): a typo or a wrong type fails naming the field.</summary>
    public static JsonSerializerOptions Strict { get; } = StrictJson.Strict(Options);

    /// <summary><see cref="Results"/> reading strictly.</summary>
    public static JsonSerializerOptions StrictResults { get; } = StrictJson.Strict(Results);

    /// <summary>
    /// <see cref="Strict"/> with keys matched in any case: for formats whose first version was written in PascalCase
    /// (frontend.json, normalizer.json, task rules), so files written before one casing, such as the shipped models'
    /// and the front end in their ONNX metadata, still load.
    /// </summary>
    public static JsonSerializerOptions StrictAnyCase { get; } = StrictJson.Strict(AnyCase(Options));

    /// <summary>A read-only copy of <paramref name="options"/> that matches keys in any case (files from before one casing).</summary>
    public static JsonSerializerOptions AnyCase(JsonSerializerOptions options)
    {
        var copy = new JsonSerializerOptions(options) { PropertyNameCaseInsensitive = true };
        copy.MakeReadOnly(populateMissingResolver: true);
        return copy;
    }

    private static JsonSerializerOptions Create(bool indented, bool namedFloats)
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = indented,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            NumberHandling = namedFloats ? JsonNumberHandling.AllowNamedFloatingPointLiterals : JsonNumberHandling.Strict,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
