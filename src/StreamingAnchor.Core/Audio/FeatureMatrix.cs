namespace StreamingAnchor.Audio;

/// <summary>A row-major [Frames, Dim] float matrix: log-mel features or any extra per-frame stream.</summary>
public sealed record FeatureMatrix(float[] Data, int Frames, int Dim)
{
    public float[] Data { get; init; } = Frames >= 0 && Dim >= 0 && Data.Length == (long)Frames * Dim
        ? Data
        : throw new ArgumentException($"feature data has {Data.Length} values, expected {Frames} x {Dim}");

    public static FeatureMatrix Empty(int dim) => new([], 0, dim);

    /// <summary>One frame as a span over the backing array (no copy).</summary>
    public Span<float> Row(int frame) => Data.AsSpan(frame * Dim, Dim);

    public float this[int frame, int dim] => Data[(frame * Dim) + dim];
}
