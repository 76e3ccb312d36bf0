namespace StreamingAnchor.Audio;

/// <summary>
/// Incremental log-mel front end: fed audio in chunks of any size, it emits each frame as soon as its last sample
/// arrives, bit-identical to <see cref="FbankExtractor.Compute"/> on the concatenated audio.
/// </summary>
public sealed class StreamingFbank
{
    private static readonly IReadOnlyList<float[]> NoFrames = [];

    private readonly FbankExtractor _extractor;
    private readonly int _window;
    private readonly int _hop;
    private float[] _buffer;
    private int _count;

    public StreamingFbank(FbankConfig config)
    {
        _extractor = new FbankExtractor(config);
        _window = config.WindowSamples;
        _hop = config.HopSamples;
        _buffer = new float[Math.Max(_window, 4096)];
    }

    public int Dim => _extractor.Dim;

    /// <summary>Frames emitted since the last reset.</summary>
    public long FramesEmitted { get; private set; }

    public IReadOnlyList<float[]> Push(ReadOnlySpan<float> chunk)
    {
        if (_count + chunk.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _count + chunk.Length));
        }
        chunk.CopyTo(_buffer.AsSpan(_count));
        _count += chunk.Length;
        if (_count < _window)
        {
            return NoFrames;
        }
        var frames = new List<float[]>(1 + ((_count - _window) / _hop));
        var offset = 0;
        while (offset + _window <= _count)
        {
            var frame = new float[Dim];
            _extractor.ComputeFrame(_buffer.AsSpan(offset, _window), frame);
            frames.Add(frame);
            offset += _hop;
        }
        // Keep only what later frames still need.
        var keep = _count - offset;
        Array.Copy(_buffer, offset, _buffer, 0, keep);
        _count = keep;
        FramesEmitted += frames.Count;
        return frames;
    }

    public void Reset()
    {
        _count = 0;
        FramesEmitted = 0;
    }
}
