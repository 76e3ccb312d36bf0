using ScottPlot;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Losses;

/// <summary>
/// The per-frame weight curve a loss config gives one sequence, taken from the loss itself
/// (<see cref="IFrameLoss.FrameWeights"/> on a sequence of background frames), for `sal weights` and for plots.
/// </summary>
public static class WeightCurve
{
    /// <summary>
    /// Weights of frames 0..frames-1 with the given anchors. Focal kinds also depend on the logits; the curve then
    /// shows them at logit 0 (p = 1/2), so the anchor-weight kinds (ce, sal) are the ones this curve describes fully.
    /// </summary>
    public static double[] Compute(LossConfig config, int frames, double[] anchors)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(anchors);
        if (frames < 1)
        {
            throw new ArgumentException($"a weight curve needs at least 1 frame, got {frames}");
        }
        var loss = LossFactory.Create(config);
        using var scope = torch.NewDisposeScope();
        var weights = loss.FrameWeights(torch.zeros(1, frames, 1, dtype: ScalarType.Float64), torch.zeros(1, frames, dtype: ScalarType.Int64),
            torch.tensor(new long[] { frames }), [anchors]);
        return weights.data<double>().ToArray();
    }

    /// <summary>Draws the curve (and the anchors inside the window) as a PNG, written atomically.</summary>
    public static void SavePng(string path, IReadOnlyList<double> weights, IReadOnlyList<double> anchors, string title)
    {
        var plot = new Plot();
        var frames = Enumerable.Range(0, weights.Count).Select(t => (double)t).ToArray();
        var curve = plot.Add.Scatter(frames, weights.ToArray());
        curve.MarkerSize = 3;
        curve.LineWidth = 2;
        foreach (var anchor in anchors.Where(a => a >= 0 && a <= weights.Count - 1))
        {
            var line = plot.Add.VerticalLine(anchor);
            line.LinePattern = LinePattern.Dotted;
            line.Color = Colors.Red;
        }
        plot.Axes.SetLimits(0, Math.Max(1, weights.Count - 1), 0, weights.Count == 0 ? 1 : weights.Max() * 1.05);
        plot.Title(title);
        plot.XLabel("frame (10 ms)");
        plot.YLabel("frame weight");
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(900, 500, ImageFormat.Png));
    }
}
