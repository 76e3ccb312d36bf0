namespace StreamingAnchor.Anchors;

/// <summary>
/// Temporal significance s[b,t] in [0,1] of every frame of a batch: the largest kernel value over the sequence's
/// anchors (0 when it has none). Anchors are fractional frame positions and may lie outside [0,T).
/// </summary>
/// <remarks>
/// The [B,T] plane is filled on the CPU, one multiply-per-frame pass per anchor over the frames its kernel can reach
/// (compact kernels and clipping shorten the pass), and lands in a tensor with one copy. It is B*T values against the B*T*C
/// logits, so a dozen libtorch dispatches on [B,K,T] would cost more than the arithmetic (docs/losses.md, "Cost").
/// </remarks>
public static class TemporalSignificance
{
    /// <summary>Row-major [B,T] significance for <paramref name="anchors"/> (one array per sequence).</summary>
    public static double[] Compute(SignificanceKernel kernel, IReadOnlyList<double[]> anchors, int frames)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        var result = new double[anchors.Count * frames];
        Fill(kernel, anchors, frames, result);
        return result;
    }

    /// <summary>Fills <paramref name="destination"/> (row-major [B,T], B = anchors.Count) with the significance.</summary>
    public static void Fill(SignificanceKernel kernel, IReadOnlyList<double[]> anchors, int frames, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(anchors);
        kernel.Validate();
        if (destination.Length != anchors.Count * frames)
        {
            throw new ArgumentException($"destination holds {destination.Length} values, expected {anchors.Count} x {frames}");
        }
        destination.Clear();
        var reachBefore = kernel.Reach(kernel.SpreadBefore);
        var reachAfter = kernel.Reach(kernel.SpreadAfter);
        for (var b = 0; b < anchors.Count; b++)
        {
            var list = anchors[b] ?? throw new ArgumentException($"anchors of sequence {b} are null (use an empty array)");
            var row = destination.Slice(b * frames, frames);
            foreach (var anchor in list)
            {
                if (!double.IsFinite(anchor))
                {
                    throw new ArgumentException($"anchor {anchor} of sequence {b} is not a finite frame position");
                }
                // One frame of slack on each side of the reach: the per-frame test decides the edges exactly.
                var first = Math.Max(0.0, Math.Ceiling(anchor - reachBefore) - 1);
                var last = Math.Min(frames - 1.0, Math.Floor(anchor + reachAfter) + 1);
                if (first > last)
                {
                    continue;
                }
                var split = (int)Math.Clamp(Math.Ceiling(anchor), first, last + 1); // first frame with t >= anchor
                // After the anchor: frames split, split+1, ...; before it: split-1, split-2, ... (distance grows).
                Walk(kernel, row, split, +1, (int)last - split + 1, anchor, kernel.SpreadAfter);
                Walk(kernel, row, split - 1, -1, split - (int)first, anchor, kernel.SpreadBefore);
            }
        }
    }

    /// <summary>
    /// Raises row[t] to the kernel value for <paramref name="count"/> frames from <paramref name="start"/> in steps of
    /// <paramref name="step"/>, moving away from the anchor. The smooth kernels advance by multiplication
    /// (exp(-(u+du)) = exp(-u) exp(-du), and likewise for the gaussian's ratio), exact to ~count ulps, instead of
    /// one exp per frame.
    /// </summary>
    private static void Walk(SignificanceKernel kernel, Span<double> row, int start, int step, int count, double anchor, double spread)
    {
        if (count <= 0)
        {
            return;
        }
        var max = kernel.MaxDistance ?? double.PositiveInfinity;
        var distance = Math.Abs(start - anchor);
        if (spread == 0)
        {
            // A zero spread scores only distance 0, the anchor frame itself.
            if (distance == 0 && distance <= max)
            {
                row[start] = 1;
            }
            return;
        }
        switch (kernel.Shape)
        {
            case KernelShape.Exponential:
                WalkExponential(row, start, step, count, anchor, spread, distance, max);
                break;
            case KernelShape.Gaussian:
                WalkGaussian(row, start, step, count, anchor, spread, distance, max);
                break;
            default:
                WalkCompact(kernel, row, start, step, count, anchor, spread, max);
                break;
        }
    }

    // The smooth walks run four interleaved multiply chains (frames k, k+4, k+8, ... in chain k mod 4): one chain
    // is bound by the multiply's latency, four keep the core busy. Each chain starts from an exact exp.
    private static void WalkExponential(Span<double> row, int start, int step, int count, double anchor, double spread, double distance, double max)
    {
        Span<double> values = stackalloc double[4];
        for (var j = 0; j < 4; j++)
        {
            values[j] = Math.Exp(-(distance + j) / spread);
        }
        var ratio = Math.Exp(-4 / spread);
        Span<double> ratios = [ratio, ratio, ratio, ratio];
        Chains(row, start, step, count, anchor, max, values, ratios, 1.0);
    }

    private static void WalkGaussian(Span<double> row, int start, int step, int count, double anchor, double spread, double distance, double max)
    {
        // g(u) = exp(-u^2/2) with u = (distance + k) / spread; g(u + 4du) / g(u) = exp(-4 u du - 8 du^2), and that
        // ratio itself shrinks by exp(-16 du^2) every 4 frames.
        var du = 1 / spread;
        Span<double> values = stackalloc double[4];
        Span<double> ratios = stackalloc double[4];
        for (var j = 0; j < 4; j++)
        {
            var u = (distance + j) / spread;
            values[j] = Math.Exp(-0.5 * u * u);
            ratios[j] = Math.Exp(-4 * u * du - 8 * du * du);
        }
        Chains(row, start, step, count, anchor, max, values, ratios, Math.Exp(-16 * du * du));
    }

    private static void Chains(Span<double> row, int start, int step, int count, double anchor, double max,
        Span<double> values, Span<double> ratios, double shrink)
    {
        var (v0, v1, v2, v3) = (values[0], values[1], values[2], values[3]);
        var (r0, r1, r2, r3) = (ratios[0], ratios[1], ratios[2], ratios[3]);
        var clip = max < double.PositiveInfinity;
        var k = 0;
        for (var t = start; k + 4 <= count; k += 4, t += 4 * step)
        {
            Raise(row, t, v0, anchor, max, clip);
            Raise(row, t + step, v1, anchor, max, clip);
            Raise(row, t + 2 * step, v2, anchor, max, clip);
            Raise(row, t + 3 * step, v3, anchor, max, clip);
            v0 *= r0;
            v1 *= r1;
            v2 *= r2;
            v3 *= r3;
            r0 *= shrink;
            r1 *= shrink;
            r2 *= shrink;
            r3 *= shrink;
        }
        Span<double> tail = [v0, v1, v2, v3];
        for (var j = 0; k < count; k++, j++)
        {
            Raise(row, start + k * step, tail[j], anchor, max, clip);
        }
    }

    private static void Raise(Span<double> row, int t, double value, double anchor, double max, bool clip)
    {
        if (value > row[t] && (!clip || Math.Abs(t - anchor) <= max))
        {
            row[t] = value;
        }
    }

    private static void WalkCompact(SignificanceKernel kernel, Span<double> row, int start, int step, int count, double anchor, double spread, double max)
    {
        for (int k = 0, t = start; k < count; k++, t += step)
        {
            var d = Math.Abs(t - anchor);
            var value = d <= max ? kernel.Profile(d / spread) : 0;
            if (value > row[t])
            {
                row[t] = value;
            }
        }
    }
}
