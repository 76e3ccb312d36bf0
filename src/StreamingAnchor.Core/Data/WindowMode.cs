namespace StreamingAnchor.Data;

/// <summary>How clips longer than the window are cut for training.</summary>
public enum WindowMode
{
    /// <summary>ceil(frames / window) crops at seeded random offsets, new ones every epoch.</summary>
    Random,

    /// <summary>Windows every <see cref="BatchOptions.WindowStride"/> frames, the last one flush with the clip end.</summary>
    Sliding,
}
