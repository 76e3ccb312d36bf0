using StreamingAnchor.Audio;

namespace StreamingAnchor.Data;

/// <summary>Every clip's features in RAM (<see cref="FeatureStorage.Memory"/>): fine for small corpora, O(corpus) memory.</summary>
public sealed class MemoryFeatureStore : FeatureStore
{
    private readonly IReadOnlyList<FeatureMatrix> _clips;

    public MemoryFeatureStore(IReadOnlyList<FeatureMatrix> clips, int dim)
    {
        ArgumentNullException.ThrowIfNull(clips);
        if (clips.FirstOrDefault(c => c.Dim != dim) is { } bad)
        {
            throw new ArgumentException($"a clip has {bad.Dim} features per frame, the store {dim}");
        }
        _clips = clips;
        Dim = dim;
    }

    public override int Dim { get; }

    public override int Count => _clips.Count;

    public override int Frames(int clip) => _clips[clip].Frames;

    protected override void ReadUnchecked(int clip, int start, Span<float> destination) =>
        _clips[clip].Data.AsSpan(start * Dim, destination.Length).CopyTo(destination);
}
