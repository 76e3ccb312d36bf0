using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamingAnchor.Export;

/// <summary>
/// JSON settings of what a port reads (model card, state tensors, vectors): <see cref="ProjectJson"/>'s, but with
/// snake_case keys and enum names, like the ONNX tensor names a port already reads.
/// </summary>
public static class CardJson
{
    public static JsonSerializerOptions Options { get; } = SnakeCase(ProjectJson.ResultLines);

    public static JsonSerializerOptions Indented { get; } = SnakeCase(ProjectJson.Results);

    private static JsonSerializerOptions SnakeCase(JsonSerializerOptions project)
    {
        var options = new JsonSerializerOptions(project) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        options.Converters.Clear();
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
