namespace StreamingAnchor.Anchors;

/// <summary>
/// Temporal significance of a frame at signed offset <c>delta = t - a</c> from an anchor <c>a</c> (frames).
/// Frames before the anchor (delta &lt; 0) use <see cref="SpreadBefore"/>, frames after it use <see cref="SpreadAfter"/>;
/// a spread of 0 makes that side zero (only the anchor itself, delta = 0, scores 1), which is how a one-sided window
/// is written. Frames farther than <see cref="MaxDistance"/> (when set) score 0 on either side.
/// </summary>
public sealed record SignificanceKernel(KernelShape Shape, double SpreadBefore, double SpreadAfter, double? MaxDistance = null)
{
    /// <summary>Same spread on both sides of the anchor.</summary>
    public static SignificanceKernel Symmetric(KernelShape shape, double spread, double? maxDistance = null) =>
        new(shape, spread, spread, maxDistance);

    /// <summary>Throws a one-line ArgumentException when a spread or the clipping distance is negative or not finite.</summary>
    public void Validate()
    {
        if (!double.IsFinite(SpreadBefore) || SpreadBefore < 0)
        {
            throw new ArgumentException($"kernel spread before the anchor must be finite and >= 0, got {SpreadBefore}");
        }
        if (!double.IsFinite(SpreadAfter) || SpreadAfter < 0)
        {
            throw new ArgumentException($"kernel spread after the anchor must be finite and >= 0, got {SpreadAfter}");
        }
        if (MaxDistance is { } max && (double.IsNaN(max) || max < 0))
        {
            throw new ArgumentException($"kernel maximum distance must be >= 0, got {max}");
        }
    }

    /// <summary>The significance in [0,1] of a frame at signed offset <paramref name="delta"/> = t - anchor.</summary>
    public double Value(double delta)
    {
        var distance = Math.Abs(delta);
        if (MaxDistance is { } max && distance > max)
        {
            return 0;
        }
        if (distance == 0)
        {
            return 1;
        }
        var spread = delta < 0 ? SpreadBefore : SpreadAfter;
        if (spread == 0)
        {
            return 0;
        }
        return Profile(distance / spread);
    }

    /// <summary>The kernel profile at normalised distance u = d / spread (u &gt; 0).</summary>
    public double Profile(double u) => Shape switch
    {
        KernelShape.Exponential => Math.Exp(-u),
        KernelShape.Gaussian => Math.Exp(-0.5 * u * u),
        KernelShape.Triangular => Math.Max(0, 1 - u),
        KernelShape.Box => u <= 1 ? 1 : 0,
        _ => throw new InvalidOperationException($"unknown kernel shape {Shape}"),
    };

    /// <summary>
    /// Largest distance on one side at which the kernel can be non-zero (compact kernels and clipping), or +inf.
    /// Used to skip frames that can only score 0.
    /// </summary>
    public double Reach(double spread)
    {
        if (spread == 0)
        {
            return 0; // only the anchor frame itself (distance 0) can score on a zero-spread side
        }
        var reach = Shape is KernelShape.Triangular or KernelShape.Box ? spread : double.PositiveInfinity;
        return MaxDistance is { } max ? Math.Min(reach, max) : reach;
    }
}
