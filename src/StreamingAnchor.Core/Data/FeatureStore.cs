using StreamingAnchor.Audio;

namespace StreamingAnchor.Data;

/// <summary>
/// The raw features [frames, dim] of a list of clips, read by clip and frame range. <see cref="MappedFeatureStore"/>
/// serves them from one memory-mapped file, so a corpus larger than RAM trains with only the current batches' windows
/// materialised; <see cref="MemoryFeatureStore"/> holds them in arrays. Both return the same floats.
/// Reads are thread-safe.
/// </summary>
public abstract class FeatureStore : IDisposable
{
    /// <summary>Values per frame (mel bins plus extra stream dims).</summary>
    public abstract int Dim { get; }

    /// <summary>Number of clips.</summary>
    public abstract int Count { get; }

    /// <summary>Frames of one clip.</summary>
    public abstract int Frames(int clip);

    /// <summary>Copies frames [start, start + destination.Length / Dim) of a clip into <paramref name="destination"/>.</summary>
    public void Read(int clip, int start, Span<float> destination)
    {
        var frames = destination.Length / Dim;
        if (destination.Length % Dim != 0 || start < 0 || frames < 0 || start + frames > Frames(clip))
        {
            throw new ArgumentOutOfRangeException(nameof(start),
                $"frames [{start}, {start + frames}) of clip {clip} are outside its {Frames(clip)} frames (dim {Dim}, {destination.Length} values)");
        }
        ReadUnchecked(clip, start, destination);
    }

    /// <summary>One clip's features as a new matrix (a copy: callers may modify it).</summary>
    public FeatureMatrix Matrix(int clip)
    {
        var frames = Frames(clip);
        var data = new float[(long)frames * Dim];
        ReadUnchecked(clip, 0, data);
        return new FeatureMatrix(data, frames, Dim);
    }

    /// <summary>Total frames over all clips.</summary>
    public long TotalFrames
    {
        get
        {
            long total = 0;
            for (var i = 0; i < Count; i++)
            {
                total += Frames(i);
            }
            return total;
        }
    }

    protected abstract void ReadUnchecked(int clip, int start, Span<float> destination);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
