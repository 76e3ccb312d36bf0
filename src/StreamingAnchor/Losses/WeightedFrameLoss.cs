using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using StreamingAnchor.Anchors;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Losses;

/// <summary>
/// ce, focal, sal, sa+fl and safl: L = sum_bt w_bt * phi_bt * l_bt / Z with l the frame cross entropy, w the
/// constant weight m * alpha_y * (1 + lambda s) (the anchor factor only where the kind has one), phi the
/// differentiable focal factor (1, (1-p)^gamma or (1-p)^(gamma s)) and Z the reduction's normaliser.
/// </summary>
/// <remarks>
/// Everything that does not depend on the logits (w / Z, the target sign of a one-logit model, gamma s) is written
/// on the CPU into one [P,B,T] tensor, so the graph holds only the few ops the formula needs.
/// </remarks>
internal sealed class WeightedFrameLoss : IFrameLoss
{
    private readonly LossKind _kind;
    private readonly LossReduction _reduction;
    private readonly SignificanceKernel _kernel;
    private readonly bool _anchorWeight;
    private readonly bool _needsSignificance;
    private readonly bool _focal;

    public WeightedFrameLoss(LossConfig config)
    {
        Config = config;
        _kind = config.ParsedKind();
        _reduction = config.ParsedReduction();
        _kernel = config.SignificanceKernel();
        _anchorWeight = _kind is LossKind.Sal or LossKind.SaPlusFl || (_kind == LossKind.Safl && config.SaflAnchorWeight);
        _needsSignificance = _anchorWeight || _kind == LossKind.Safl;
        _focal = _kind is LossKind.Focal or LossKind.SaPlusFl or LossKind.Safl;
    }

    public LossConfig Config { get; }

    public Tensor Forward(Tensor logits, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors)
    {
        using var input = LossInputs.Read(logits, targets, lengths, anchors, Config.ClassWeights);
        using var scope = torch.NewDisposeScope();
        var planes = Planes(input, anchors, logits, normalise: true);
        var term = FrameTerms(logits, targets, input, planes, out _);
        return torch.dot(term.reshape(-1), planes[0].reshape(-1)).MoveToOuterDisposeScope();
    }

    public Tensor FrameWeights(Tensor logits, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors)
    {
        using var input = LossInputs.Read(logits, targets, lengths, anchors, Config.ClassWeights);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var planes = Planes(input, anchors, logits, normalise: false);
        var weights = planes[0].clone();
        if (_focal)
        {
            FrameTerms(logits.detach(), targets, input, planes, out var focal);
            weights = weights * focal!;
        }
        return weights.MoveToOuterDisposeScope();
    }

    private int SignPlane(LossInputs input) => input.Classes == 1 ? 1 : -1;

    private int ExponentPlane(LossInputs input) => _kind == LossKind.Safl ? (input.Classes == 1 ? 2 : 1) : -1;

    /// <summary>
    /// [P,B,T] constants: plane 0 the frame weights w (divided by Z when <paramref name="normalise"/>), then for C = 1
    /// the sign that turns z into -z' (z' = z for target 1, -z for target 0), then for safl the exponent gamma s.
    /// </summary>
    private Tensor Planes(LossInputs input, IReadOnlyList<double[]> anchors, Tensor logits, bool normalise)
    {
        var count = 1 + (SignPlane(input) > 0 ? 1 : 0) + (ExponentPlane(input) > 0 ? 1 : 0);
        var dtype = logits.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var planes = torch.empty(new long[] { count, input.Batch, input.Frames }, dtype);
        var size = input.Batch * input.Frames;
        double[]? significance = null;
        try
        {
            if (_needsSignificance)
            {
                significance = ArrayPool<double>.Shared.Rent(size);
                TemporalSignificance.Fill(_kernel, anchors, input.Frames, significance.AsSpan(0, size));
            }
            if (dtype == ScalarType.Float64)
            {
                FillPlanes(MemoryMarshal.Cast<byte, double>(planes.bytes), input, significance, normalise);
            }
            else
            {
                FillPlanes(MemoryMarshal.Cast<byte, float>(planes.bytes), input, significance, normalise);
            }
        }
        finally
        {
            if (significance is not null)
            {
                ArrayPool<double>.Shared.Return(significance);
            }
        }
        return TemporalSignificance.Place(planes, logits.dtype, logits.device);
    }

    private void FillPlanes<T>(Span<T> planes, LossInputs input, double[]? significance, bool normalise)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var size = input.Batch * input.Frames;
        var weights = planes[..size];
        var targets = input.Targets;
        var classWeights = Config.ClassWeights;
        var lambda = Config.Lambda;
        var sum = 0.0;
        for (var b = 0; b < input.Batch; b++)
        {
            var row = b * input.Frames;
            var length = (int)input.Lengths[b];
            for (var t = 0; t < length; t++)
            {
                var i = row + t;
                var w = classWeights is null ? 1.0 : classWeights[targets[i]];
                if (_anchorWeight)
                {
                    w *= 1 + lambda * significance![i];
                }
                weights[i] = T.CreateTruncating(w);
                sum += w;
            }
            weights.Slice(row + length, input.Frames - length).Clear();
        }
        if (normalise)
        {
            var normaliser = _reduction == LossReduction.Mean ? input.ValidFrames : sum;
            var scale = T.CreateTruncating(normaliser > 0 ? 1.0 / normaliser : 1.0);
            for (var i = 0; i < size; i++)
            {
                weights[i] *= scale;
            }
        }
        if (SignPlane(input) is var sign and > 0)
        {
            var signs = planes.Slice(sign * size, size);
            for (var i = 0; i < size; i++)
            {
                signs[i] = targets[i] == 1 ? T.NegativeOne : T.One;
            }
        }
        if (ExponentPlane(input) is var exponent and > 0)
        {
            var exponents = planes.Slice(exponent * size, size);
            var gamma = Config.Gamma;
            for (var i = 0; i < size; i++)
            {
                exponents[i] = T.CreateTruncating(gamma * significance![i]);
            }
        }
    }

    /// <summary>
    /// The differentiable per-frame term phi * l as [B,T] (finite on padding too, where its weight is 0), and phi
    /// itself (null without a focal factor). Everything past the cross entropy works on the [B,T] plane, never on
    /// [B,T,C], which keeps the focal kinds close to ce in cost.
    /// </summary>
    private Tensor FrameTerms(Tensor logits, Tensor targets, LossInputs input, Tensor planes, out Tensor? focal)
    {
        focal = null;
        var batch = input.Batch;
        var frames = input.Frames;
        Tensor nll;
        Tensor? logNotTrue = null; // log(1 - p)
        if (input.Classes == 1)
        {
            // With z' = z for target 1 and -z for target 0: l = softplus(-z'), and since softplus(x) - softplus(-x) = x,
            // log(1 - p) = -softplus(z') = -z' - l: exact for any |z| the dtype holds, at the cost of one subtraction.
            var flipped = logits.reshape(batch, frames) * planes[SignPlane(input)];
            nll = Softplus.Of(flipped);
            if (_focal)
            {
                logNotTrue = flipped - nll;
            }
        }
        else
        {
            using var safe = input.SafeTargets(targets, logits.device);
            nll = torch.nn.functional.cross_entropy(logits.reshape(-1, input.Classes), safe.reshape(-1), reduction: nn.Reduction.None)
                .reshape(batch, frames);
            if (_focal)
            {
                // log(1 - p) = log(-expm1(-l)): accurate as long as l is (expm1 keeps 1 - p exact for small l). When
                // p rounds to 1, l and -expm1(-l) are 0; the floor then stands in for 1 - p, and since l = 0 there
                // the term phi * l is 0 and its gradient finite whatever the floor.
                logNotTrue = (-nll).expm1().neg().clamp_min(NotTrueFloor).log();
            }
        }
        if (!_focal)
        {
            return nll;
        }
        var exponent = ExponentPlane(input) is var plane and > 0 ? logNotTrue! * planes[plane] : logNotTrue! * Config.Gamma;
        // (1-p)^g as exp(g log(1-p)): finite value and gradient at p -> 1 and for g = 0, where pow's derivative is 0 * inf.
        focal = exponent.exp();
        return focal * nll;
    }

    /// <summary>Smallest 1 - p the softmax focal factor sees (representable in float32, far below any p it can tell from 1).</summary>
    private const double NotTrueFloor = 1e-30;
}
