namespace StreamingAnchor.Export;

/// <summary>The state of one stream through a raw-audio graph: one zeroed array per state tensor (the position counter is int64).</summary>
public sealed class RawAudioState
{
    internal RawAudioState(IReadOnlyList<RawAudioStateTensor> tensors)
    {
        Floats = new float[]?[tensors.Count];
        for (var i = 0; i < tensors.Count; i++)
        {
            if (tensors[i].Type == "int64")
            {
                PositionIndex = i;
                Position = new long[tensors[i].Elements];
            }
            else
            {
                Floats[i] = new float[tensors[i].Elements];
            }
        }

        Position ??= [];
    }

    /// <summary>Float state tensors by input index (null at the position counter's index).</summary>
    public float[]?[] Floats { get; }

    public long[] Position { get; }

    public int PositionIndex { get; } = -1;

    /// <summary>Back to the start of a new stream.</summary>
    public void Reset()
    {
        foreach (var f in Floats)
        {
            if (f is not null)
            {
                Array.Clear(f);
            }
        }

        Array.Clear(Position);
    }
}
