namespace StreamingAnchor.Models;

/// <summary>Contents of a run's model.json: everything needed to rebuild the network before loading its weights.</summary>
/// <param name="Labels">Names of the positive classes 1..K (for printing detections); may be empty.</param>
public sealed record RunModelSpec(int FormatVersion, ModelConfig Model, int InputDim, int NumClasses, IReadOnlyList<string> Labels);
