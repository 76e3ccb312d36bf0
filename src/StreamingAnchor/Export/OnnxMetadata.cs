namespace StreamingAnchor.Export;

/// <summary>Keys of the metadata_props an exported streaming step carries, so the .onnx file runs on its own.</summary>
public static class OnnxMetadata
{
    public const string FormatVersion = "sal.format_version";
    public const string ModelJson = "sal.model_json";
    public const string InputDim = "sal.input_dim";
    public const string NumClasses = "sal.num_classes";
    public const string LookAhead = "sal.lookahead";
    public const string Labels = "sal.labels";

    /// <summary>JSON array of the state shapes for one stream (batch 1), in input order state_in_0, state_in_1, ...</summary>
    public const string StateShapes = "sal.state_shapes";

    /// <summary>JSON array: which axis of each state tensor is the batch axis.</summary>
    public const string StateBatchAxes = "sal.state_batch_axes";

    /// <summary>The run's normalizer.json document (absent when the run had none).</summary>
    public const string Normalizer = "sal.normalizer";

    /// <summary>The run's frontend.json document (absent when the run had none).</summary>
    public const string FrontEnd = "sal.frontend";

    public const string Input = "input";
    public const string Output = "output";

    public static string StateIn(int i) => $"state_in_{i}";

    public static string StateOut(int i) => $"state_out_{i}";
}
