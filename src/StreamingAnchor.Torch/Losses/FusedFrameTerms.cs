using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StreamingAnchor.Losses;

/// <summary>
/// The fast path of <see cref="WeightedFrameLoss"/>: value and gradient of sum_f w_f * phi_f * l_f in one pass over the
/// logits, on the CPU, with the derivative written out by hand, so the autograd graph holds a single dot product
/// instead of the dozen [B,T] ops (each ~5-20 us in TorchSharp at training sizes) of the reference formula
/// (<c>WeightedFrameLoss.ReferenceTerms</c>, kept next to it and tested equal).
/// </summary>
/// <remarks>
/// With q = 1 - p the probability of not being the target and g the focal exponent (0, gamma or gamma s):
/// phi = q^g and, for one sigmoid logit z' (z signed by the target), d(phi l)/dz' = -phi (g p l + q); for softmax
/// logits d(phi l)/dz_c = phi (p_c - [c = y]) (1 + g p_y l / q). q is never formed as 1 - p: the sigmoid takes it from
/// e^-|z'|, the softmax as the sum of the other classes' exponentials over the total, so it keeps its digits as p -> 1.
/// <para>The three loops are compiled fully optimised from their first call (AggressiveOptimization): a training run
/// calls them once per step, too rarely for tiered compilation to leave the unoptimised Vector256 code soon.</para>
/// </remarks>
internal static class FusedFrameTerms
{
    /// <summary>Smallest 1 - p the softmax focal factor sees (as the reference's clamp: far below any p it can tell from 1).</summary>
    public const double NotTrueFloor = 1e-30;

    /// <summary>
    /// C = 1. <paramref name="signedWeights"/> are w / Z with the sign of z' = s z (+ for target 1, - for target 0; 0 on
    /// padding); the focal exponent is <paramref name="exponents"/>[f] when that is not empty, else <paramref name="gamma"/>
    /// (0 = plain cross entropy). Writes dL/dz into <paramref name="gradient"/> unless it is empty; returns L.
    /// </summary>
    /// <remarks>Eight (float) or four (double) frames at a time: the per-frame work is all the sigmoid loss has.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sigmoid<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> signedWeights, double gamma, ReadOnlySpan<T> exponents,
        Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var perFrame = !exponents.IsEmpty;
        var focal = perFrame || gamma != 0;
        var power = perFrame ? 0 : IntegerPower(gamma);
        var withGradient = !gradient.IsEmpty;
        var sum = 0.0;
        var f = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var zero = Vector256<T>.Zero;
            var one = Vector256<T>.One;
            var constant = Vector256.Create(T.CreateTruncating(gamma));
            for (; f + Vector256<T>.Count <= signedWeights.Length; f += Vector256<T>.Count)
            {
                var signed = Vector256.Create(signedWeights.Slice(f, Vector256<T>.Count));
                var logit = Vector256.Create(logits.Slice(f, Vector256<T>.Count));
                var z = Vector256.ConditionalSelect(Vector256.LessThan(signed, zero), -logit, logit); // z'
                var w = Vector256.Abs(signed);
                var e = Exp(-Vector256.Abs(z));
                var onePlus = one + e;
                // log(1 + e) as log(u) e / (u - 1) (see LogOnePlus); the division by 0 where u rounds to 1 is not selected.
                var softplusTail = Vector256.ConditionalSelect(Vector256.Equals(onePlus, one), e, Log(onePlus) * e / (onePlus - one));
                var l = Vector256.Max(-z, zero) + softplusTail;
                var nonNegative = Vector256.GreaterThanOrEqual(z, zero);
                var inverse = one / onePlus;
                var q = Vector256.ConditionalSelect(nonNegative, e, one) * inverse;
                Vector256<T> phi, slope;
                if (focal)
                {
                    var g = perFrame ? Vector256.Create(exponents.Slice(f, Vector256<T>.Count)) : constant;
                    var p = Vector256.ConditionalSelect(nonNegative, one, e) * inverse;
                    // safl far from every anchor (s = 0 on all lanes) skips the exp: phi = 1.
                    phi = power > 0 ? Power(q, power)
                        : perFrame && Vector256.EqualsAll(g, zero) ? one
                        : Exp(-g * (Vector256.Max(z, zero) + softplusTail));
                    slope = g * p * l + q;
                }
                else
                {
                    phi = one;
                    slope = q;
                }
                var valid = ~Vector256.Equals(w, zero);
                sum += double.CreateTruncating(Vector256.Sum(Vector256.ConditionalSelect(valid, w * phi * l, zero)));
                if (withGradient)
                {
                    // dL/dz = s dL/dz' = -s w phi slope, and s w is the signed weight.
                    Vector256.ConditionalSelect(valid, -(signed * phi * slope), zero).CopyTo(gradient.Slice(f, Vector256<T>.Count));
                }
            }
        }
        var scalarGamma = T.CreateTruncating(gamma);
        for (; f < signedWeights.Length; f++)
        {
            var signed = signedWeights[f];
            if (signed == T.Zero)
            {
                if (withGradient)
                {
                    gradient[f] = T.Zero;
                }
                continue;
            }
            var z = signed < T.Zero ? -logits[f] : logits[f];
            var w = T.Abs(signed);
            var e = T.Exp(-T.Abs(z));
            var softplusTail = LogOnePlus(e); // log(1 + e^-|z'|)
            var l = T.Max(-z, T.Zero) + softplusTail; // -log p = softplus(-z')
            var onePlus = T.One + e;
            var q = (z >= T.Zero ? e : T.One) / onePlus; // sigmoid(-z')
            T phi, slope; // phi and -d(phi l)/dz' / phi
            if (focal)
            {
                var g = perFrame ? exponents[f] : scalarGamma;
                var p = (z >= T.Zero ? T.One : e) / onePlus;
                // log q = -softplus(z') exactly; the integer power is the same number without exp/log.
                phi = power > 0 ? Power(q, power) : T.Exp(-g * (T.Max(z, T.Zero) + softplusTail));
                slope = g * p * l + q;
            }
            else
            {
                phi = T.One;
                slope = q;
            }
            sum += double.CreateTruncating(w * phi * l);
            if (withGradient)
            {
                gradient[f] = -(signed * phi * slope);
            }
        }
        return sum;
    }

    /// <summary>
    /// C &gt;= 2, logits row-major [frames, classes]. Arguments as <see cref="Sigmoid{T}"/> but with unsigned weights
    /// and the targets; a frame with weight 0 (padding) gets gradient 0 and its target is never read.
    /// </summary>
    /// <remarks>
    /// Blocks of <see cref="Block"/> frames in three passes: the softmax of each frame (scalar: C exponentials per row),
    /// then the focal factor of the whole block eight (four) frames at a time, then the weighted rows of the gradient.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Softmax<T>(ReadOnlySpan<T> logits, int classes, ReadOnlySpan<long> targets, ReadOnlySpan<T> weights,
        double gamma, ReadOnlySpan<T> exponents, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var perFrame = !exponents.IsEmpty;
        var focal = perFrame || gamma != 0;
        var power = perFrame ? 0 : IntegerPower(gamma);
        var withGradient = !gradient.IsEmpty;
        // Without a gradient the exponentials of one row need a home; with one they go straight into the gradient rows,
        // which the last pass scales in place.
        Span<T> scratch = withGradient ? default : classes <= 64 ? stackalloc T[classes] : new T[classes];
        Span<T> losses = stackalloc T[Block]; // l = -log p_y
        Span<T> notTrue = stackalloc T[Block]; // q = 1 - p_y
        Span<T> own = stackalloc T[Block]; // p_y
        Span<T> inverse = stackalloc T[Block]; // 1 / S
        Span<T> phi = stackalloc T[Block];
        Span<T> factor = stackalloc T[Block]; // 1 + g p_y l / q
        var sum = 0.0;
        for (var start = 0; start < weights.Length; start += Block)
        {
            var count = Math.Min(Block, weights.Length - start);
            for (var k = 0; k < count; k++)
            {
                var f = start + k;
                var exps = withGradient ? gradient.Slice(f * classes, classes) : scratch;
                if (weights[f] == T.Zero)
                {
                    exps.Clear();
                    (losses[k], notTrue[k], own[k], inverse[k]) = (T.Zero, T.Zero, T.Zero, T.Zero);
                    continue;
                }
                var row = logits.Slice(f * classes, classes);
                var y = (int)targets[f];
                var max = row[0];
                for (var c = 1; c < classes; c++)
                {
                    max = T.Max(max, row[c]);
                }
                var others = T.Zero; // sum of e^(z_c - max) over c != y: (1 - p_y) S, without cancellation
                for (var c = 0; c < classes; c++)
                {
                    var e = T.Exp(row[c] - max);
                    exps[c] = e;
                    others += c == y ? T.Zero : e;
                }
                var total = exps[y] + others;
                var reciprocal = T.One / total;
                // -log p_y = log(S / e_y): log1p(others) when y holds the max (e_y = 1), accurate as p_y -> 1; otherwise
                // log S - (z_y - max), finite even where e_y underflows.
                losses[k] = row[y] == max ? LogOnePlus(others) : T.Log(total) - (row[y] - max);
                notTrue[k] = others * reciprocal;
                own[k] = exps[y] * reciprocal;
                inverse[k] = reciprocal;
            }
            if (focal)
            {
                FocalFactors(losses[..count], notTrue[..count], own[..count], perFrame ? exponents.Slice(start, count) : default,
                    gamma, power, phi[..count], factor[..count]);
            }
            for (var k = 0; k < count; k++)
            {
                var f = start + k;
                var w = weights[f];
                if (w == T.Zero)
                {
                    continue;
                }
                var (frameFocal, frameFactor) = focal ? (phi[k], factor[k]) : (T.One, T.One);
                sum += double.CreateTruncating(w * frameFocal * losses[k]);
                if (withGradient)
                {
                    var exps = gradient.Slice(f * classes, classes);
                    var scale = w * frameFocal * frameFactor;
                    var perExp = scale * inverse[k];
                    for (var c = 0; c < classes; c++)
                    {
                        exps[c] *= perExp;
                    }
                    exps[(int)targets[f]] = -(scale * notTrue[k]); // p_y - 1 = -q, never formed as a difference
                }
            }
        }
        return sum;
    }

    /// <summary>Frames per block of <see cref="Softmax{T}"/> (its per-frame buffers live on the stack).</summary>
    private const int Block = 64;

    /// <summary>
    /// phi = q^g and 1 + g p_y l / q for a block of softmax frames (g from <paramref name="exponents"/> or the constant
    /// <paramref name="gamma"/>). phi = exp(g log max(q, floor)): finite, with a finite gradient, at q -> 0 and for g = 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FocalFactors<T>(ReadOnlySpan<T> losses, ReadOnlySpan<T> notTrue, ReadOnlySpan<T> own, ReadOnlySpan<T> exponents,
        double gamma, int power, Span<T> phi, Span<T> factor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var perFrame = !exponents.IsEmpty;
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var zero = Vector256<T>.Zero;
            var one = Vector256<T>.One;
            var floor = Vector256.Create(T.CreateTruncating(NotTrueFloor));
            var constant = Vector256.Create(T.CreateTruncating(gamma));
            for (; k + Vector256<T>.Count <= losses.Length; k += Vector256<T>.Count)
            {
                var g = perFrame ? Vector256.Create(exponents.Slice(k, Vector256<T>.Count)) : constant;
                if (perFrame && Vector256.EqualsAll(g, zero))
                {
                    // safl far from every anchor (s = 0): plain cross entropy, no exp/log to pay.
                    one.CopyTo(phi.Slice(k, Vector256<T>.Count));
                    one.CopyTo(factor.Slice(k, Vector256<T>.Count));
                    continue;
                }
                var q = Vector256.Create(notTrue.Slice(k, Vector256<T>.Count));
                var l = Vector256.Create(losses.Slice(k, Vector256<T>.Count));
                var p = Vector256.Create(own.Slice(k, Vector256<T>.Count));
                var focal = power > 0 ? Power(q, power) : Exp(g * Log(Vector256.Max(q, floor)));
                // l / q -> 1 as q -> 0 (l = -log(1 - q)); at q = 0 exactly l is 0 too and the limit stands in.
                var ratio = Vector256.ConditionalSelect(Vector256.GreaterThan(q, zero), l / q, one);
                focal.CopyTo(phi.Slice(k, Vector256<T>.Count));
                (one + g * p * ratio).CopyTo(factor.Slice(k, Vector256<T>.Count));
            }
        }
        var scalarFloor = T.CreateTruncating(NotTrueFloor);
        var scalarGamma = T.CreateTruncating(gamma);
        for (; k < losses.Length; k++)
        {
            var g = perFrame ? exponents[k] : scalarGamma;
            var q = notTrue[k];
            phi[k] = power > 0 ? Power(q, power) : g == T.Zero ? T.One : T.Exp(g * T.Log(T.Max(q, scalarFloor)));
            factor[k] = T.One + g * own[k] * (q > T.Zero ? losses[k] / q : T.One);
        }
    }

    /// <summary>gamma as a small positive integer (1..8) when it is one, else 0: q^gamma is then a few multiplications.</summary>
    private static int IntegerPower(double gamma) => gamma is >= 1 and <= 8 && gamma == Math.Floor(gamma) ? (int)gamma : 0;

    private static Vector256<T> Power<T>(Vector256<T> x, int power)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = x;
        for (var k = 1; k < power; k++)
        {
            result *= x;
        }
        return result;
    }

    // Vector256.Exp/Log exist for float and double only; the type tests are constants the JIT folds away.
    private static Vector256<T> Exp<T>(Vector256<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Vector256.Exp(x.As<T, float>()).As<float, T>() : Vector256.Exp(x.As<T, double>()).As<double, T>();

    private static Vector256<T> Log<T>(Vector256<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Vector256.Log(x.As<T, float>()).As<float, T>() : Vector256.Log(x.As<T, double>()).As<double, T>();

    private static T Power<T>(T x, int power)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = x;
        for (var k = 1; k < power; k++)
        {
            result *= x;
        }
        return result;
    }

    /// <summary>
    /// log(1 + x) for x &gt;= 0, accurate for tiny x (.NET's LogP1 is log(x + 1), which returns 0 below the dtype's
    /// epsilon): with u = 1 + x rounded, log(u) x / (u - 1) cancels the rounding of u (Goldberg 1991, theorem 4).
    /// </summary>
    private static T LogOnePlus<T>(T x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var u = T.One + x;
        return u == T.One ? x : T.Log(u) * x / (u - T.One);
    }
}
