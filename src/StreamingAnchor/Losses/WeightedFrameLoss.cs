using StreamingAnchor.Anchors;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Losses;

/// <summary>
/// ce, focal, sal, sa+fl and safl: L = sum_bt w_bt * phi_bt * l_bt / Z with l the frame cross entropy, w the
/// constant weight m * alpha_y * (1 + lambda s) (the anchor factor only where the kind has one), phi the
/// differentiable focal factor (1, (1-p)^gamma or (1-p)^(gamma s)) and Z the reduction's normaliser.
/// </summary>
internal sealed class WeightedFrameLoss : IFrameLoss
{
    private readonly LossKind _kind;
    private readonly LossReduction _reduction;
    private readonly SignificanceKernel _kernel;
    private readonly bool _anchorWeight;
    private readonly bool _needsSignificance;

    public WeightedFrameLoss(LossConfig config)
    {
        Config = config;
        _kind = config.ParsedKind();
        _reduction = config.ParsedReduction();
        _kernel = config.SignificanceKernel();
        _anchorWeight = _kind is LossKind.Sal or LossKind.SaPlusFl || (_kind == LossKind.Safl && config.SaflAnchorWeight);
        _needsSignificance = _anchorWeight || _kind == LossKind.Safl;
    }

    public LossConfig Config { get; }

    private bool HasFocalFactor => _kind is LossKind.Focal or LossKind.SaPlusFl or LossKind.Safl;

    public Tensor Forward(Tensor logits, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors)
    {
        var input = LossInputs.Read(logits, targets, lengths, anchors, Config.ClassWeights);
        var plan = Plan(input, anchors);
        using var scope = torch.NewDisposeScope();
        var frameLoss = FrameTerms(logits, targets, input, plan.Significance, out _);
        var scale = 1.0 / plan.Normaliser;
        for (var i = 0; i < plan.Weights.Length; i++)
        {
            plan.Weights[i] *= scale;
        }
        var weights = TemporalSignificance.TensorFromPlane(plan.Weights, input.Batch, input.Frames, logits.dtype, logits.device);
        var loss = torch.dot(frameLoss.reshape(-1), weights.reshape(-1));
        return loss.MoveToOuterDisposeScope();
    }

    public Tensor FrameWeights(Tensor logits, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors)
    {
        var input = LossInputs.Read(logits, targets, lengths, anchors, Config.ClassWeights);
        var plan = Plan(input, anchors);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var weights = TemporalSignificance.TensorFromPlane(plan.Weights, input.Batch, input.Frames, logits.dtype, logits.device);
        if (HasFocalFactor)
        {
            FrameTerms(logits.detach(), targets, input, plan.Significance, out var focal);
            weights = weights * focal!;
        }
        return weights.MoveToOuterDisposeScope();
    }

    private readonly record struct WeightPlan(double[] Weights, double[]? Significance, double Normaliser);

    /// <summary>The constant part of every frame's weight, computed on the CPU from lengths, targets and anchors.</summary>
    private WeightPlan Plan(LossInputs input, IReadOnlyList<double[]> anchors)
    {
        var size = input.Batch * input.Frames;
        double[]? significance = null;
        if (_needsSignificance)
        {
            significance = new double[size];
            TemporalSignificance.Fill(_kernel, anchors, input.Frames, significance);
        }
        var classWeights = Config.ClassWeights;
        var lambda = Config.Lambda;
        var weights = new double[size];
        var sum = 0.0;
        for (var b = 0; b < input.Batch; b++)
        {
            var row = b * input.Frames;
            var length = (int)input.Lengths[b];
            for (var t = 0; t < length; t++)
            {
                var i = row + t;
                var w = classWeights is null ? 1.0 : classWeights[input.Targets[i]];
                if (_anchorWeight)
                {
                    w *= 1 + lambda * significance![i];
                }
                weights[i] = w;
                sum += w;
            }
        }
        var normaliser = _reduction == LossReduction.Mean ? input.ValidFrames : sum;
        return new WeightPlan(weights, significance, normaliser > 0 ? normaliser : 1.0);
    }

    /// <summary>
    /// The differentiable per-frame term phi * l as [B,T] (padding frames hold finite values, weighted by 0 later),
    /// and phi itself (null when the kind has no focal factor).
    /// </summary>
    private Tensor FrameTerms(Tensor logits, Tensor targets, LossInputs input, double[]? significance, out Tensor? focal)
    {
        focal = null;
        var batch = input.Batch;
        var frames = input.Frames;
        Tensor nll;
        Tensor? logNotTrue = null; // log(1 - p_t), exact (never log of a rounded 1 - p)
        if (input.Classes == 1)
        {
            // Binary: with z' = z for target 1 and -z for target 0, l = softplus(-z') and log(1-p) = -softplus(z').
            var sign = new double[batch * frames];
            for (var i = 0; i < sign.Length; i++)
            {
                sign[i] = input.Targets[i] == 1 ? 1.0 : -1.0;
            }
            var signed = logits.reshape(batch, frames) * TemporalSignificance.TensorFromPlane(sign, batch, frames, logits.dtype, logits.device);
            nll = torch.nn.functional.softplus(-signed);
            if (HasFocalFactor)
            {
                logNotTrue = -torch.nn.functional.softplus(signed);
            }
        }
        else
        {
            var safe = input.SafeTargets(targets, logits.device);
            if (!HasFocalFactor)
            {
                nll = torch.nn.functional.cross_entropy(logits.reshape(-1, input.Classes), safe.reshape(-1), reduction: nn.Reduction.None)
                    .reshape(batch, frames);
            }
            else
            {
                var logTotal = logits.logsumexp(-1);
                var trueLogit = logits.gather(-1, safe.unsqueeze(-1)).squeeze(-1);
                nll = logTotal - trueLogit;
                var isTrue = torch.arange(input.Classes, device: logits.device) == safe.unsqueeze(-1);
                logNotTrue = logits.masked_fill(isTrue, double.NegativeInfinity).logsumexp(-1) - logTotal;
            }
        }
        if (!HasFocalFactor)
        {
            return nll;
        }
        Tensor exponent;
        if (_kind == LossKind.Safl)
        {
            var gammaS = new double[batch * frames];
            for (var i = 0; i < gammaS.Length; i++)
            {
                gammaS[i] = Config.Gamma * significance![i];
            }
            exponent = logNotTrue! * TemporalSignificance.TensorFromPlane(gammaS, batch, frames, logits.dtype, logits.device);
        }
        else
        {
            exponent = logNotTrue! * Config.Gamma;
        }
        // (1-p)^g as exp(g log(1-p)): finite value and gradient at p -> 1 and for g = 0, where pow's derivative is 0 * inf.
        focal = exponent.exp();
        return focal * nll;
    }
}
