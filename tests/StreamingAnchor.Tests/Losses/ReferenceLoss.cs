using StreamingAnchor.Losses;

namespace StreamingAnchor.Tests.Losses;

/// <summary>
/// The loss family written out frame by frame in plain double arithmetic straight from docs/losses.md, with no
/// tensors and no stability tricks: the independent oracle the library is checked against on moderate logits.
/// </summary>
internal static class ReferenceLoss
{
    public static double Significance(LossConfig config, double[] anchors, int t)
    {
        var kernel = config.SignificanceKernel();
        var best = 0.0;
        foreach (var a in anchors)
        {
            best = Math.Max(best, kernel.Value(t - a));
        }
        return best;
    }

    /// <summary>Posterior of every output: sigmoid for C = 1 (probability of class 1), softmax otherwise.</summary>
    public static double[] Posteriors(LossCase data, int b, int t)
    {
        if (data.Classes == 1)
        {
            var p1 = 1 / (1 + Math.Exp(-data.Logits[b, t, 0]));
            return [1 - p1, p1];
        }
        var max = double.NegativeInfinity;
        for (var c = 0; c < data.Classes; c++)
        {
            max = Math.Max(max, data.Logits[b, t, c]);
        }
        var p = new double[data.Classes];
        var sum = 0.0;
        for (var c = 0; c < data.Classes; c++)
        {
            p[c] = Math.Exp(data.Logits[b, t, c] - max);
            sum += p[c];
        }
        for (var c = 0; c < data.Classes; c++)
        {
            p[c] /= sum;
        }
        return p;
    }

    public static double Compute(LossConfig config, LossCase data)
    {
        var kind = config.Kind;
        return kind == LossKind.MaxPool ? MaxPool(config, data) : Frames(config, kind, data);
    }

    private static double ClassWeight(LossConfig config, long y) => config.ClassWeights is null ? 1 : config.ClassWeights[y];

    private static double Frames(LossConfig config, LossKind kind, LossCase data)
    {
        double total = 0, weightSum = 0, valid = 0;
        for (var b = 0; b < data.Batch; b++)
        {
            for (var t = 0; t < data.Lengths[b]; t++)
            {
                var y = data.Targets[b, t];
                var p = Posteriors(data, b, t)[y];
                var s = Significance(config, data.Anchors[b], t);
                var anchorWeight = 1 + config.Lambda * s;
                var constant = ClassWeight(config, y) * kind switch
                {
                    LossKind.Sal or LossKind.SaPlusFl => anchorWeight,
                    LossKind.Safl when config.SaflAnchorWeight => anchorWeight,
                    _ => 1.0,
                };
                var focal = kind switch
                {
                    LossKind.Focal or LossKind.SaPlusFl => Math.Pow(1 - p, config.Gamma),
                    LossKind.Safl => Math.Pow(1 - p, config.Gamma * s),
                    _ => 1.0,
                };
                total += constant * focal * -Math.Log(p);
                weightSum += constant;
                valid++;
            }
        }
        var normaliser = config.Reduction == LossReduction.Mean ? valid : weightSum;
        return normaliser > 0 ? total / normaliser : 0;
    }

    private static double MaxPool(LossConfig config, LossCase data)
    {
        var positives = data.Classes == 1 ? 1 : data.Classes - 1;
        var byTargets = config.MaxPoolRegion == MaxPoolRegion.Targets;
        double total = 0, weightSum = 0, sequences = 0;
        for (var b = 0; b < data.Batch; b++)
        {
            var length = (int)data.Lengths[b];
            if (length == 0)
            {
                continue;
            }
            sequences++;
            for (var cls = 1; cls <= positives; cls++)
            {
                var present = false;
                for (var t = 0; t < length; t++)
                {
                    present |= data.Targets[b, t] == cls;
                }
                var peak = 0.0;
                for (var t = 0; t < length; t++)
                {
                    if (!present || !byTargets || data.Targets[b, t] == cls)
                    {
                        peak = Math.Max(peak, Posteriors(data, b, t)[cls]);
                    }
                }
                var weight = ClassWeight(config, present ? cls : 0);
                total += weight * (present ? -Math.Log(peak) : -Math.Log(1 - peak));
                weightSum += weight;
            }
        }
        var normaliser = config.Reduction == LossReduction.Mean ? sequences : weightSum;
        return normaliser > 0 ? total / normaliser : 0;
    }
}
