namespace StreamingAnchor.Data.Synthesis;

/// <summary>Measures how far a processed signal is shifted against its source: the lag of the cross-correlation peak.</summary>
public static class AlignmentProbe
{
    /// <summary>
    /// The lag L in [-maxLag, maxLag] maximising sum_i reference[i] * signal[i + L]: positive when
    /// <paramref name="signal"/> is late. Direct sums over the overlap, so keep the inputs to a second or two.
    /// </summary>
    public static int Lag(ReadOnlySpan<float> reference, ReadOnlySpan<float> signal, int maxLag)
    {
        var best = double.NegativeInfinity;
        var bestLag = 0;
        for (var lag = -maxLag; lag <= maxLag; lag++)
        {
            var from = Math.Max(0, -lag);
            var to = Math.Min(reference.Length, signal.Length - lag);
            if (to <= from)
            {
                continue;
            }
            var sum = Dot(reference[from..to], signal[(from + lag)..(to + lag)]);
            if (sum > best)
            {
                best = sum;
                bestLag = lag;
            }
        }
        return bestLag;
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var width = System.Numerics.Vector<float>.Count;
        var acc = System.Numerics.Vector<float>.Zero;
        var i = 0;
        for (; i + width <= a.Length; i += width)
        {
            acc += new System.Numerics.Vector<float>(a[i..]) * new System.Numerics.Vector<float>(b[i..]);
        }
        double sum = System.Numerics.Vector.Sum(acc);
        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
