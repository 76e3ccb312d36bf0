using System.Text.Json;

namespace StreamingAnchor.Audio;

/// <summary>
/// Global per-dimension mean/std normalisation, fitted once on the training set and stored with the model. It is
/// streaming-safe: every frame is normalised with the same fixed statistics, never with per-utterance ones.
/// </summary>
public sealed class FeatureNormalizer
{
    /// <summary>Standard deviations below this are clamped, so constant dimensions do not explode.</summary>
    public const float MinStd = 1e-3f;

    public FeatureNormalizer(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length != std.Length || mean.Length == 0)
        {
            throw new ArgumentException($"normaliser needs equal, non-empty mean and std, got {mean.Length} and {std.Length}");
        }
        // Name the first bad dimension: a NaN or a zero std there would silently poison every frame.
        for (var d = 0; d < mean.Length; d++)
        {
            if (!float.IsFinite(mean[d]))
            {
                throw new ArgumentException($"mean[{d}] is {mean[d]}, every mean must be finite");
            }
            if (!float.IsFinite(std[d]) || std[d] <= 0)
            {
                throw new ArgumentException($"std[{d}] is {std[d]}, every std must be finite and positive");
            }
        }
        Mean = mean;
        Std = std;
        _invStd = std.Select(s => 1f / s).ToArray();
    }

    private readonly float[] _invStd;

    public float[] Mean { get; }

    public float[] Std { get; }

    public int Dim => Mean.Length;

    public static FeatureNormalizer Identity(int dim) =>
        new(new float[dim], Enumerable.Repeat(1f, dim).ToArray());

    /// <summary>Fits mean and std over every frame of every matrix (double accumulators, order-independent up to rounding).</summary>
    public static FeatureNormalizer Fit(IEnumerable<FeatureMatrix> matrices)
    {
        double[]? sum = null;
        double[]? sumSq = null;
        long frames = 0;
        foreach (var m in matrices)
        {
            sum ??= new double[m.Dim];
            sumSq ??= new double[m.Dim];
            if (m.Dim != sum.Length)
            {
                throw new ArgumentException($"feature dimension changed from {sum.Length} to {m.Dim}");
            }
            for (var t = 0; t < m.Frames; t++)
            {
                var row = m.Row(t);
                for (var d = 0; d < row.Length; d++)
                {
                    sum[d] += row[d];
                    sumSq[d] += (double)row[d] * row[d];
                }
            }
            frames += m.Frames;
        }
        if (sum is null || sumSq is null || frames == 0)
        {
            throw new ArgumentException("cannot fit a feature normaliser on zero frames");
        }
        var mean = new float[sum.Length];
        var std = new float[sum.Length];
        for (var d = 0; d < sum.Length; d++)
        {
            var mu = sum[d] / frames;
            var variance = Math.Max(0, (sumSq[d] / frames) - (mu * mu));
            mean[d] = (float)mu;
            std[d] = (float)Math.Max(Math.Sqrt(variance), MinStd);
        }
        return new FeatureNormalizer(mean, std);
    }

    public void ApplyInPlace(float[] frame) => ApplyInPlace(frame.AsSpan());

    public void ApplyInPlace(Span<float> frame)
    {
        if (frame.Length != Dim)
        {
            throw new ArgumentException($"frame has {frame.Length} values, normaliser expects {Dim}");
        }
        for (var d = 0; d < frame.Length; d++)
        {
            frame[d] = (frame[d] - Mean[d]) * _invStd[d];
        }
    }

    /// <summary>Normalises every row of a [frames, dim] matrix in place.</summary>
    public void ApplyInPlace(FeatureMatrix m)
    {
        for (var t = 0; t < m.Frames; t++)
        {
            ApplyInPlace(m.Row(t));
        }
    }

    public void Save(string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new Stats(Mean, Std), ProjectJson.Options));

    public static FeatureNormalizer Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: normaliser file not found", path);
        }
        Stats stats;
        try
        {
            // Any case: normalizer.json was PascalCase ("Mean", "Std") before one casing, as in the shipped models.
            stats = StrictJson.Deserialize<Stats>(File.ReadAllText(path), ProjectJson.StrictAnyCase, path, "normaliser");
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }
        try
        {
            return new FeatureNormalizer(stats.Mean ?? [], stats.Std ?? []);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{path}: invalid normaliser: {ErrorText.OneLine(ex.Message)}", ex);
        }
    }

    private sealed record Stats(float[]? Mean, float[]? Std);
}
