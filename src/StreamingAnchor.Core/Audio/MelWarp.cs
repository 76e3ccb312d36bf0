namespace StreamingAnchor.Audio;

/// <summary>
/// Vocal tract length perturbation (Jaitly and Hinton, 2013) on log-mel frames: the spectrum a speaker with a vocal
/// tract shorter or longer by a factor alpha would give, S'(f) = S(f / alpha), read off the filterbank by linear
/// interpolation between the two mel bins nearest each warped centre. The frequency map is piecewise linear and keeps
/// 0 and the filterbank's top edge fixed (a straight line above <see cref="BreakFraction"/> of it, as in Kaldi's VTLN),
/// so no bin reads beyond the bank. Alpha 1 is the identity.
/// </summary>
public sealed class MelWarp
{
    /// <summary>The map is alpha f up to this fraction of the top edge (times min(alpha, 1) / alpha), then linear to the edge.</summary>
    public const double BreakFraction = 0.85;

    private readonly int[] _lower;
    private readonly float[] _upperWeight;

    private MelWarp(int[] lower, float[] upperWeight)
    {
        _lower = lower;
        _upperWeight = upperWeight;
    }

    public int Bins => _lower.Length;

    /// <summary>The warp by <paramref name="alpha"/> for the mel bins of <paramref name="config"/>.</summary>
    public static MelWarp For(FbankConfig config, double alpha)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!(alpha > 0.5 && alpha < 2))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "warp factor must lie inside (0.5, 2)");
        }
        if (config.MelBins < 2)
        {
            throw new ArgumentException($"a warp needs at least 2 mel bins, the front end has {config.MelBins}", nameof(config));
        }
        var (low, delta) = FbankExtractor.MelSpacing(config);
        var top = config.EffectiveHighFreq;
        var knee = BreakFraction * top * Math.Min(alpha, 1) / alpha;
        var lower = new int[config.MelBins];
        var weight = new float[config.MelBins];
        for (var k = 0; k < config.MelBins; k++)
        {
            var hz = FbankExtractor.InverseMelScale(low + ((k + 1) * delta));
            // The output bin at hz shows what the input had at the source frequency the map sends to hz.
            var source = hz <= alpha * knee ? hz / alpha : knee + ((hz - (alpha * knee)) * (top - knee) / (top - (alpha * knee)));
            var index = Math.Clamp(((FbankExtractor.MelScale(source) - low) / delta) - 1, 0, config.MelBins - 1);
            lower[k] = Math.Min((int)Math.Floor(index), config.MelBins - 2);
            weight[k] = (float)(index - lower[k]);
        }
        return new MelWarp(lower, weight);
    }

    /// <summary>Warps one frame's log-mel values in place (<paramref name="scratch"/> holds at least <see cref="Bins"/> floats).</summary>
    public void Apply(Span<float> row, Span<float> scratch)
    {
        if (row.Length != Bins || scratch.Length < Bins)
        {
            throw new ArgumentException($"expected a row of {Bins} mel bins and as much scratch, got {row.Length} and {scratch.Length}");
        }
        row.CopyTo(scratch);
        for (var k = 0; k < Bins; k++)
        {
            var i = _lower[k];
            var w = _upperWeight[k];
            row[k] = ((1 - w) * scratch[i]) + (w * scratch[i + 1]);
        }
    }
}
