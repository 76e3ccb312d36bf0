using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Losses;

/// <summary>
/// The max-pooling keyword-spotting loss (Sun et al. 2017, as in wekws): for every sequence and positive class j,
/// a sequence containing j pays -log max_t p_t(j) over its region (frames labelled j, or the whole sequence), and a
/// sequence without j pays -log(1 - max_t p_t(j)) over its valid frames. Anchors are not used.
/// </summary>
internal sealed class MaxPoolLoss : IFrameLoss
{
    private readonly LossReduction _reduction;
    private readonly bool _regionIsTargets;

    public MaxPoolLoss(LossConfig config)
    {
        Config = config;
        _reduction = config.Reduction;
        _regionIsTargets = config.MaxPoolRegion == MaxPoolRegion.Targets;
    }

    public LossConfig Config { get; }

    public Tensor Forward(Tensor logits, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors)
    {
        using var input = LossInputs.Read(logits, targets, lengths, anchors, Config.ClassWeights);
        if (input.Frames == 0)
        {
            // No frame to take a maximum over: 0 like the other losses' empty batch, still tied to the logits so that
            // backward() gives their (empty) gradient instead of failing.
            return logits.sum() * 0.0;
        }
        var plan = Plan(input);
        using var scope = torch.NewDisposeScope();
        var terms = Terms(logits, input, plan, out _);
        var scale = 1.0 / (plan.Normaliser > 0 ? plan.Normaliser : 1.0);
        var weights = new double[plan.Weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = plan.Weights[i] * scale;
        }
        var weightTensor = SignificanceTensor.FromPlane(weights, input.Batch, plan.Positives, logits.dtype, logits.device);
        var loss = torch.dot(terms.reshape(-1), weightTensor.reshape(-1));
        return loss.MoveToOuterDisposeScope();
    }

    public Tensor FrameWeights(Tensor logits, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors)
    {
        using var input = LossInputs.Read(logits, targets, lengths, anchors, Config.ClassWeights);
        if (input.Frames == 0)
        {
            return SignificanceTensor.FromPlane([], input.Batch, 0, logits.dtype, logits.device);
        }
        var plan = Plan(input);
        long[] peaks;
        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            Terms(logits.detach(), input, plan, out var peakFrames);
            using var cpu = peakFrames.cpu().contiguous();
            peaks = cpu.data<long>().ToArray();
        }
        var frameWeights = new double[input.Batch * input.Frames];
        for (var b = 0; b < input.Batch; b++)
        {
            for (var j = 0; j < plan.Positives; j++)
            {
                var k = b * plan.Positives + j;
                frameWeights[b * input.Frames + peaks[k]] += plan.Weights[k];
            }
        }
        return SignificanceTensor.FromPlane(frameWeights, input.Batch, input.Frames, logits.dtype, logits.device);
    }

    public double Normaliser(Tensor logits, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors)
    {
        using var input = LossInputs.Read(logits, targets, lengths, anchors, Config.ClassWeights);
        return input.Frames == 0 ? 0 : Plan(input).Normaliser;
    }

    /// <param name="Positives">K, the number of positive classes (1 for a one-logit model, else C - 1).</param>
    /// <param name="Region">[B,K,T] frames searched for each term's peak (never empty when T > 0: frame 0 stands in for empty sequences).</param>
    /// <param name="Present">[B,K] whether the sequence contains class j+1 (positive term) or not (negative term).</param>
    /// <param name="Weights">[B,K] term weights before the normaliser (0 for empty sequences).</param>
    /// <param name="Normaliser">Z: non-empty sequences (mean) or the sum of the weights (weight-sum); may be 0.</param>
    private sealed record TermPlan(int Positives, bool[] Region, bool[] Present, double[] Weights, double Normaliser);

    private TermPlan Plan(LossInputs input)
    {
        var positives = input.Classes == 1 ? 1 : input.Classes - 1;
        var frames = input.Frames;
        var region = new bool[input.Batch * positives * frames];
        var present = new bool[input.Batch * positives];
        var weights = new double[input.Batch * positives];
        var classWeights = Config.ClassWeights;
        var targets = input.Targets;
        var nonEmpty = 0;
        var weightSum = 0.0;
        for (var b = 0; b < input.Batch; b++)
        {
            var length = (int)input.Lengths[b];
            var row = b * frames;
            if (length > 0)
            {
                nonEmpty++;
            }
            for (var j = 0; j < positives; j++)
            {
                var cls = j + 1;
                var k = b * positives + j;
                var mask = region.AsSpan(k * frames, frames);
                for (var t = 0; t < length; t++)
                {
                    if (targets[row + t] == cls)
                    {
                        present[k] = true;
                        break;
                    }
                }
                if (length == 0)
                {
                    mask[0] = true;
                    continue;
                }
                if (present[k] && _regionIsTargets)
                {
                    for (var t = 0; t < length; t++)
                    {
                        mask[t] = targets[row + t] == cls;
                    }
                }
                else
                {
                    mask[..length].Fill(true);
                }
                var w = classWeights is null ? 1.0 : classWeights[present[k] ? cls : 0];
                weights[k] = w;
                weightSum += w;
            }
        }
        var normaliser = _reduction == LossReduction.Mean ? nonEmpty : weightSum;
        return new TermPlan(positives, region, present, weights, normaliser);
    }

    /// <summary>[B,K] per-term losses and the [B,K] frame of each term's peak.</summary>
    private static Tensor Terms(Tensor logits, LossInputs input, TermPlan plan, out Tensor peakFrames)
    {
        var batch = input.Batch;
        var frames = input.Frames;
        var k = plan.Positives;
        var device = logits.device;
        var region = torch.tensor(plan.Region, new long[] { batch, k, frames }, device: device);
        var present = torch.tensor(plan.Present, new long[] { batch, k }, device: device);
        Tensor logPositive; // [B,K,T] log p_t(j)
        if (input.Classes == 1)
        {
            logPositive = torch.nn.functional.logsigmoid(logits.reshape(batch, 1, frames));
        }
        else
        {
            logPositive = logits.log_softmax(-1).narrow(-1, 1, k).permute(0, 2, 1);
        }
        var (peak, peakIndex) = logPositive.masked_fill(region.logical_not(), double.NegativeInfinity).max(-1);
        peakFrames = peakIndex;
        var positiveTerm = -peak;
        Tensor negativeTerm; // -log(1 - p_peak(j)), from the logits so it stays finite as p -> 1
        if (input.Classes == 1)
        {
            negativeTerm = Softplus.Of(logits.reshape(batch, frames).gather(1, peakIndex));
        }
        else
        {
            var c = input.Classes;
            var rows = logits.gather(1, peakIndex.unsqueeze(-1).expand(batch, k, c)); // [B,K,C]: logits at each term's peak
            var isClass = torch.arange(c, device: device) == torch.arange(1, c, device: device).unsqueeze(-1); // [K,C]
            negativeTerm = rows.logsumexp(-1) - rows.masked_fill(isClass, double.NegativeInfinity).logsumexp(-1);
        }
        return torch.where(present, positiveTerm, negativeTerm);
    }
}
