using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamingAnchor.Export;

/// <summary>JSON settings of what a port reads (model card, state tensors, vectors): snake_case keys, like the ONNX names.</summary>
public static class CardJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static readonly JsonSerializerOptions Indented = new(Options) { WriteIndented = true };
}
