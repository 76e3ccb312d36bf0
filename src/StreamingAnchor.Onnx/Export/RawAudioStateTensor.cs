namespace StreamingAnchor.Export;

/// <summary>
/// One state tensor of a raw-audio graph, as the model card and metadata describe it: the host starts it at zeros of
/// <paramref name="Shape"/> and feeds <paramref name="Output"/> of each call back as <paramref name="Input"/> of the next.
/// </summary>
public sealed record RawAudioStateTensor(string Input, string Output, long[] Shape, string Type, string Meaning)
{
    public long Elements => Shape.Aggregate(1L, (a, b) => a * b);
}
