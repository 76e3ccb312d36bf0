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
/// Everything that does not depend on the logits (w / Z, the target sign of a one-logit model, gamma s) is computed
/// on the CPU from lengths, targets and anchors, without autograd. Two paths use them: the fused one
/// (<see cref="FusedFrameTerms"/>: value and gradient in one pass over CPU float32/float64 logits, tied into autograd by
/// one dot product) and the reference one (<see cref="ReferenceTerms"/>: the formula as libtorch ops, differentiated by
/// autograd), which runs on other devices and dtypes and is what the fused path is tested against.
/// </remarks>
internal sealed class WeightedFrameLoss : IFrameLoss
{
    private readonly LossKind _kind;
    private readonly LossReduction _reduction;
    private readonly SignificanceKernel _kernel;
    private readonly bool _anchorWeight;
    private readonly bool _needsSignificance;
    private readonly bool _focal;
    private readonly bool _reference;

    /// <param name="reference">Always take the reference path (tests compare the two paths).</param>
    public WeightedFrameLoss(LossConfig config, bool reference = false)
    {
        Config = config;
        _reference = reference;
        _kind = config.Kind;
        _reduction = config.Reduction;
        _kernel = config.SignificanceKernel();
        _anchorWeight = _kind is LossKind.Sal or LossKind.SaPlusFl || (_kind == LossKind.Safl && config.SaflAnchorWeight);
        _needsSignificance = _kind.HasSignificance();
        _focal = _kind is LossKind.Focal or LossKind.SaPlusFl or LossKind.Safl;
    }

    public LossConfig Config { get; }

    public Tensor Forward(Tensor logits, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors)
    {
        using var input = LossInputs.Read(logits, targets, lengths, anchors, Config.ClassWeights);
        if (!TakesFusedPath(logits))
        {
            return ReferenceForward(logits, targets, input, anchors);
        }
        return logits.dtype == ScalarType.Float64 ? FusedForward<double>(logits, input, anchors) : FusedForward<float>(logits, input, anchors);
    }

    private IReadOnlyList<double[]> Shifted(IReadOnlyList<double[]> anchors)
    {
        var shift = Config.AnchorShift;
        return shift == 0 ? anchors : anchors.Select(list => Array.ConvertAll(list, a => a + shift)).ToArray();
    }

    /// <summary>Whether <see cref="Forward"/> runs <see cref="FusedFrameTerms"/> on these logits (CPU float32/float64).</summary>
    internal bool TakesFusedPath(Tensor logits) =>
        !_reference && logits.device_type == DeviceType.CPU && logits.dtype is ScalarType.Float32 or ScalarType.Float64;

    /// <summary>The formula as libtorch ops: L = dot(phi l, w / Z), differentiated by autograd.</summary>
    private Tensor ReferenceForward(Tensor logits, Tensor targets, LossInputs input, IReadOnlyList<double[]> anchors)
    {
        using var scope = torch.NewDisposeScope();
        var planes = Planes(input, anchors, logits, normalise: true);
        var term = ReferenceTerms(logits, targets, input, planes, out _);
        return torch.dot(term.reshape(-1), planes[0].reshape(-1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// L and dL/dlogits from <see cref="FusedFrameTerms"/>; autograd sees L + (d - d.detach()) with d = dot(logits, dL/dlogits),
    /// which is L exactly (d - d is 0) and has exactly that gradient. Without a gradient to compute, L alone.
    /// </summary>
    private Tensor FusedForward<T>(Tensor logits, LossInputs input, IReadOnlyList<double[]> anchors)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var size = input.Batch * input.Frames;
        var perFrame = _kind == LossKind.Safl;
        var constants = ArrayPool<T>.Shared.Rent(perFrame ? 2 * size : size);
        try
        {
            var weights = constants.AsSpan(0, size);
            var exponents = perFrame ? constants.AsSpan(size, size) : Span<T>.Empty;
            FillConstants(input, anchors, weights, exponents, normalise: true, signed: input.Classes == 1);
            using var scope = torch.NewDisposeScope();
            var withGradient = logits.requires_grad && torch.is_grad_enabled();
            var values = logits.contiguous();
            var gradient = withGradient ? torch.empty_like(values) : null;
            var gradientSpan = gradient is null ? Span<T>.Empty : MemoryMarshal.Cast<byte, T>(gradient.bytes);
            var logitSpan = MemoryMarshal.Cast<byte, T>(values.bytes);
            var gamma = _focal && !perFrame ? Config.Gamma : 0.0;
            var sum = input.Classes == 1
                ? FusedFrameTerms.Sigmoid<T>(logitSpan, weights, gamma, exponents, gradientSpan)
                : FusedFrameTerms.Softmax<T>(logitSpan, input.Classes, input.Targets, weights, gamma, exponents, gradientSpan);
            var loss = torch.tensor(sum, logits.dtype);
            if (gradient is not null)
            {
                var surrogate = torch.dot(values.reshape(-1), gradient.reshape(-1));
                loss = loss + (surrogate - surrogate.detach());
            }
            return loss.MoveToOuterDisposeScope();
        }
        finally
        {
            ArrayPool<T>.Shared.Return(constants);
        }
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
            ReferenceTerms(logits.detach(), targets, input, planes, out var focal);
            weights = weights * focal!;
        }
        return weights.MoveToOuterDisposeScope();
    }

    public double Normaliser(Tensor logits, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors)
    {
        using var input = LossInputs.Read(logits, targets, lengths, anchors, Config.ClassWeights);
        if (_reduction == LossReduction.Mean)
        {
            return input.ValidFrames;
        }
        var size = input.Batch * input.Frames;
        var weights = ArrayPool<double>.Shared.Rent(size);
        try
        {
            return FillConstants<double>(input, anchors, weights.AsSpan(0, size), Span<double>.Empty, normalise: false, signed: false);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(weights);
        }
    }

    private int SignPlane(LossInputs input) => input.Classes == 1 ? 1 : -1;

    private int ExponentPlane(LossInputs input) => _kind == LossKind.Safl ? (input.Classes == 1 ? 2 : 1) : -1;

    /// <summary>
    /// [P,B,T] constants of the reference path: plane 0 the frame weights w (divided by Z when <paramref name="normalise"/>),
    /// then for C = 1 the sign that turns z into -z' (z' = z for target 1, -z for target 0), then for safl the exponent gamma s.
    /// </summary>
    private Tensor Planes(LossInputs input, IReadOnlyList<double[]> anchors, Tensor logits, bool normalise)
    {
        var count = 1 + (SignPlane(input) > 0 ? 1 : 0) + (ExponentPlane(input) > 0 ? 1 : 0);
        var dtype = logits.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var planes = torch.empty(new long[] { count, input.Batch, input.Frames }, dtype);
        if (dtype == ScalarType.Float64)
        {
            FillPlanes(MemoryMarshal.Cast<byte, double>(planes.bytes), input, anchors, normalise);
        }
        else
        {
            FillPlanes(MemoryMarshal.Cast<byte, float>(planes.bytes), input, anchors, normalise);
        }
        return SignificanceTensor.Place(planes, logits.dtype, logits.device);
    }

    private void FillPlanes<T>(Span<T> planes, LossInputs input, IReadOnlyList<double[]> anchors, bool normalise)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var size = input.Batch * input.Frames;
        var exponents = ExponentPlane(input) is var exponent and > 0 ? planes.Slice(exponent * size, size) : Span<T>.Empty;
        FillConstants(input, anchors, planes[..size], exponents, normalise, signed: false);
        if (SignPlane(input) is var sign and > 0)
        {
            var signs = planes.Slice(sign * size, size);
            var targets = input.Targets;
            for (var i = 0; i < size; i++)
            {
                signs[i] = targets[i] == 1 ? T.NegativeOne : T.One;
            }
        }
    }

    /// <summary>
    /// The logit-free constants of both paths: the [B,T] frame weights w (0 on padding; divided by Z when
    /// <paramref name="normalise"/>; negated on frames with target 0 when <paramref name="signed"/>, the sign of the
    /// one-logit model's z') and, when <paramref name="exponents"/> is not empty (safl), the exponent gamma s. Returns Z,
    /// the reduction's normaliser (before the guard against 0).
    /// </summary>
    private double FillConstants<T>(LossInputs input, IReadOnlyList<double[]> anchors, Span<T> weights, Span<T> exponents, bool normalise,
        bool signed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var size = input.Batch * input.Frames;
        double[]? significance = null;
        try
        {
            if (_needsSignificance)
            {
                significance = ArrayPool<double>.Shared.Rent(size);
                TemporalSignificance.Fill(_kernel, Shifted(anchors), input.Frames, significance.AsSpan(0, size));
            }
            var targets = input.Targets;
            var classWeights = Config.ClassWeights;
            var lambda = Config.Lambda;
            var gamma = Config.Gamma;
            var withExponents = !exponents.IsEmpty;
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
                    weights[i] = T.CreateTruncating(signed && targets[i] != 1 ? -w : w);
                    sum += w;
                    if (withExponents)
                    {
                        exponents[i] = T.CreateTruncating(gamma * significance![i]);
                    }
                }
                weights.Slice(row + length, input.Frames - length).Clear();
                if (withExponents)
                {
                    exponents.Slice(row + length, input.Frames - length).Clear();
                }
            }
            var normaliser = _reduction == LossReduction.Mean ? input.ValidFrames : sum;
            if (normalise)
            {
                var scale = T.CreateTruncating(normaliser > 0 ? 1.0 / normaliser : 1.0);
                for (var i = 0; i < size; i++)
                {
                    weights[i] *= scale;
                }
            }
            return normaliser;
        }
        finally
        {
            if (significance is not null)
            {
                ArrayPool<double>.Shared.Return(significance);
            }
        }
    }

    /// <summary>
    /// The differentiable per-frame term phi * l as [B,T] (finite on padding too, where its weight is 0), and phi
    /// itself (null without a focal factor). Everything past the cross entropy works on the [B,T] plane, never on
    /// [B,T,C], which keeps the focal kinds close to ce in cost.
    /// </summary>
    private Tensor ReferenceTerms(Tensor logits, Tensor targets, LossInputs input, Tensor planes, out Tensor? focal)
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
                logNotTrue = (-nll).expm1().neg().clamp_min(FusedFrameTerms.NotTrueFloor).log();
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
}
