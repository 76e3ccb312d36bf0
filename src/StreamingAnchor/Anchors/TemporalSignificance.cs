using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Anchors;

/// <summary>
/// Temporal significance s[b,t] in [0,1] of every frame of a batch: the largest kernel value over the sequence's
/// anchors (0 when it has none). Anchors are fractional frame positions and may lie outside [0,T).
/// </summary>
/// <remarks>
/// The [B,T] plane is filled on the CPU in one pass per anchor over the frames the kernel can reach, then copied into
/// a tensor once: it is B*T values against the B*T*C of the logits, and a handful of libtorch dispatches would cost
/// more than the arithmetic (see docs/losses.md, "Cost").
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

    /// <summary>[B,T] significance tensor of the given dtype on the given device.</summary>
    public static Tensor ComputeTensor(SignificanceKernel kernel, IReadOnlyList<double[]> anchors, int frames,
        ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var values = Compute(kernel, anchors, frames);
        return TensorFromPlane(values, anchors.Count, frames, dtype, device);
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
                FillOne(kernel, anchor, reachBefore, reachAfter, row);
            }
        }
    }

    private static void FillOne(SignificanceKernel kernel, double anchor, double reachBefore, double reachAfter, Span<double> row)
    {
        var frames = row.Length;
        var first = Math.Max(0.0, Math.Ceiling(anchor - reachBefore));
        var last = Math.Min(frames - 1.0, Math.Floor(anchor + reachAfter));
        if (first > last)
        {
            return;
        }
        var lo = (int)first;
        var hi = (int)last;
        // Before the anchor the distance shrinks frame by frame, after it grows; each side is one tight loop.
        var split = Math.Clamp((int)Math.Ceiling(anchor), lo, hi + 1); // first frame with t >= anchor
        FillSide(kernel, row, lo, split, anchor, kernel.SpreadBefore);
        FillSide(kernel, row, split, hi + 1, anchor, kernel.SpreadAfter);
    }

    private static void FillSide(SignificanceKernel kernel, Span<double> row, int from, int to, double anchor, double spread)
    {
        if (from >= to)
        {
            return;
        }
        var max = kernel.MaxDistance ?? double.PositiveInfinity;
        var inverse = spread > 0 ? 1.0 / spread : 0.0;
        for (var t = from; t < to; t++)
        {
            var distance = Math.Abs(t - anchor);
            double value;
            if (distance > max)
            {
                value = 0;
            }
            else if (distance == 0)
            {
                value = 1;
            }
            else if (spread == 0)
            {
                value = 0;
            }
            else
            {
                value = kernel.Profile(distance * inverse);
            }
            if (value > row[t])
            {
                row[t] = value;
            }
        }
    }

    /// <summary>Copies a row-major [B,T] plane of doubles into a tensor of the given dtype and device.</summary>
    internal static Tensor TensorFromPlane(double[] values, int batch, int frames, ScalarType dtype, Device? device)
    {
        var shape = new long[] { batch, frames };
        Tensor cpu;
        if (dtype == ScalarType.Float64)
        {
            cpu = torch.tensor(values, shape, ScalarType.Float64);
        }
        else
        {
            var singles = new float[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                singles[i] = (float)values[i];
            }
            cpu = torch.tensor(singles, shape, ScalarType.Float32);
            if (dtype != ScalarType.Float32)
            {
                var converted = cpu.to_type(dtype);
                cpu.Dispose();
                cpu = converted;
            }
        }
        if (device is null || device.type == DeviceType.CPU)
        {
            return cpu;
        }
        var moved = cpu.to(device);
        cpu.Dispose();
        return moved;
    }
}
