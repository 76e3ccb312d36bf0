namespace StreamingAnchor.Evaluation;

/// <summary>
/// Causal moving average of per-class posteriors over the last N frames. Before N frames have arrived it averages
/// the frames seen so far, so the first frames are not dragged towards zero.
/// </summary>
public sealed class PosteriorSmoother
{
    private readonly int _window;
    private readonly int _classes;
    private readonly double[] _ring;
    private readonly double[] _sum;
    private long _count;

    public PosteriorSmoother(int window, int classes)
    {
        if (window < 1)
        {
            throw new ArgumentException($"smoothing window must be at least 1 frame, got {window}");
        }
        if (classes < 1)
        {
            throw new ArgumentException($"need at least one positive class, got {classes}");
        }
        _window = window;
        _classes = classes;
        _ring = new double[window * classes];
        _sum = new double[classes];
    }

    public int Classes => _classes;

    /// <summary>Adds one frame's posteriors and writes the smoothed values into <paramref name="smoothed"/>.</summary>
    public void Push(ReadOnlySpan<float> posteriors, Span<double> smoothed)
    {
        if (posteriors.Length != _classes)
        {
            throw new ArgumentException($"expected {_classes} class posteriors per frame, got {posteriors.Length}");
        }
        var slot = (int)(_count % _window) * _classes;
        for (var k = 0; k < _classes; k++)
        {
            var p = posteriors[k];
            if (!float.IsFinite(p))
            {
                throw new ArgumentException($"posterior of class {k + 1} at frame {_count} is not finite ({p})");
            }
            _sum[k] += p - _ring[slot + k];
            _ring[slot + k] = p;
        }
        _count++;
        var n = Math.Min(_count, _window);
        for (var k = 0; k < _classes; k++)
        {
            smoothed[k] = _sum[k] / n;
        }
    }

    public void Reset()
    {
        Array.Clear(_ring);
        Array.Clear(_sum);
        _count = 0;
    }

    /// <summary>Smooths a whole trace, row-major [frames, classes].</summary>
    public static double[] SmoothTrace(ReadOnlySpan<float> posteriors, int classes, int window)
    {
        if (posteriors.Length % classes != 0)
        {
            throw new ArgumentException($"trace length {posteriors.Length} is not a multiple of {classes} classes");
        }
        var smoother = new PosteriorSmoother(window, classes);
        var result = new double[posteriors.Length];
        for (var offset = 0; offset < posteriors.Length; offset += classes)
        {
            smoother.Push(posteriors.Slice(offset, classes), result.AsSpan(offset, classes));
        }
        return result;
    }
}
