using NWaves.Transforms;

namespace StreamingAnchor.Audio;

/// <summary>
/// Offline log-mel filterbank (Kaldi conventions, see <see cref="FbankConfig"/>). Each frame depends only on its own
/// window of samples, which is what lets <see cref="StreamingFbank"/> reproduce these frames exactly. One instance
/// holds scratch buffers and is not thread-safe: use one per thread.
/// </summary>
public sealed class FbankExtractor
{
    private readonly FbankConfig _config;
    private readonly float[] _window;
    private readonly RealFft _fft;
    private readonly float[] _frame;
    private readonly float[] _re;
    private readonly float[] _im;
    private readonly float[] _power;
    private readonly int[] _melStart;
    private readonly float[][] _melWeights;

    public FbankExtractor(FbankConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        _window = BuildWindow(config.Window, config.WindowSamples);
        _fft = new RealFft(config.FftSize);
        _frame = new float[config.FftSize];
        _re = new float[config.FftSize];
        _im = new float[config.FftSize];
        _power = new float[config.FftSize / 2];
        (_melStart, _melWeights) = BuildMelBanks(config);
    }

    public FbankConfig Config => _config;

    public int Dim => _config.MelBins;

    /// <summary>Features of a whole clip, [frames, mel bins], frames per the snip-edges rule.</summary>
    public FeatureMatrix Compute(ReadOnlySpan<float> samples)
    {
        var frames = _config.FrameCount(samples.Length);
        var data = new float[frames * Dim];
        for (var t = 0; t < frames; t++)
        {
            ComputeFrame(samples.Slice(t * _config.HopSamples, _config.WindowSamples), data.AsSpan(t * Dim, Dim));
        }
        return new FeatureMatrix(data, frames, Dim);
    }

    /// <summary>One frame from exactly <see cref="FbankConfig.WindowSamples"/> samples.</summary>
    public void ComputeFrame(ReadOnlySpan<float> window, Span<float> output)
    {
        var n = _config.WindowSamples;
        if (window.Length != n || output.Length != Dim)
        {
            throw new ArgumentException($"frame needs {n} samples and {Dim} outputs, got {window.Length} and {output.Length}");
        }
        var frame = _frame;
        var scale = _config.SampleScale;
        var mean = 0f;
        for (var i = 0; i < n; i++)
        {
            var v = window[i] * scale;
            frame[i] = v;
            mean += v;
        }
        if (_config.RemoveDcOffset)
        {
            mean /= n;
            for (var i = 0; i < n; i++)
            {
                frame[i] -= mean;
            }
        }
        var k = _config.PreEmphasis;
        if (k != 0)
        {
            // Kaldi pre-emphasises inside the window, treating the sample before the first as the first itself.
            for (var i = n - 1; i > 0; i--)
            {
                frame[i] -= k * frame[i - 1];
            }
            frame[0] -= k * frame[0];
        }
        var w = _window;
        for (var i = 0; i < n; i++)
        {
            frame[i] *= w[i];
        }
        Array.Clear(frame, n, frame.Length - n);

        _fft.Direct(frame, _re, _im);
        var power = _power;
        for (var i = 0; i < power.Length; i++)
        {
            power[i] = (_re[i] * _re[i]) + (_im[i] * _im[i]);
        }
        var floor = _config.LogFloor;
        for (var m = 0; m < output.Length; m++)
        {
            var weights = _melWeights[m];
            var p = power.AsSpan(_melStart[m], weights.Length);
            var e = 0f;
            for (var j = 0; j < weights.Length; j++)
            {
                e += weights[j] * p[j];
            }
            output[m] = MathF.Log(MathF.Max(e, floor));
        }
    }

    /// <summary>The analysis window as the extractor applies it (float), shared with the raw-audio ONNX export.</summary>
    /// <remarks>Public because that exporter lives in the Torch assembly and bakes these very floats into its graph.</remarks>
    public static float[] BuildWindow(FbankWindow kind, int n)
    {
        var w = new float[n];
        var a = 2 * Math.PI / (n - 1);
        for (var i = 0; i < n; i++)
        {
            w[i] = (float)(kind switch
            {
                FbankWindow.Povey => Math.Pow(0.5 - (0.5 * Math.Cos(a * i)), 0.85),
                FbankWindow.Hamming => 0.54 - (0.46 * Math.Cos(a * i)),
                _ => 0.5 - (0.5 * Math.Cos(a * i)),
            });
        }
        return w;
    }

    /// <summary>Kaldi's mel scale, 1127 ln(1 + f / 700).</summary>
    public static double MelScale(double hz) => 1127.0 * Math.Log(1.0 + (hz / 700.0));

    /// <summary>The frequency in Hz of a point on <see cref="MelScale"/>.</summary>
    public static double InverseMelScale(double mel) => 700.0 * (Math.Exp(mel / 1127.0) - 1.0);

    /// <summary>
    /// Where the filterbank's triangles sit on the mel scale: bin b rises from Low + b Delta, peaks at Low + (b + 1) Delta
    /// and falls to Low + (b + 2) Delta.
    /// </summary>
    internal static (double Low, double Delta) MelSpacing(FbankConfig c)
    {
        var melLow = MelScale(c.LowFreq);
        var melHigh = MelScale(c.EffectiveHighFreq);
        return (melLow, (melHigh - melLow) / (c.MelBins + 1));
    }

    /// <summary>
    /// The mel filters as a dense [FftSize/2, MelBins] matrix (row-major), the same float weights <see cref="ComputeFrame"/>
    /// uses, so a graph that multiplies the power spectrum by it computes the same sums.
    /// </summary>
    /// <remarks>Public because the raw-audio exporter (Torch assembly) bakes this matrix into its graph.</remarks>
    public static float[] MelMatrix(FbankConfig c)
    {
        var (start, weights) = BuildMelBanks(c);
        var bins = c.FftSize / 2;
        var matrix = new float[bins * c.MelBins];
        for (var m = 0; m < c.MelBins; m++)
        {
            for (var j = 0; j < weights[m].Length; j++)
            {
                matrix[((start[m] + j) * c.MelBins) + m] = weights[m][j];
            }
        }
        return matrix;
    }

    /// <summary>Kaldi's MelBanks: triangles equally spaced on the mel scale, evaluated at FFT bin centres.</summary>
    private static (int[] Start, float[][] Weights) BuildMelBanks(FbankConfig c)
    {
        var bins = c.FftSize / 2;
        var binHz = (double)c.SampleRate / c.FftSize;
        var (melLow, delta) = MelSpacing(c);
        var start = new int[c.MelBins];
        var weights = new float[c.MelBins][];
        for (var b = 0; b < c.MelBins; b++)
        {
            var left = melLow + (b * delta);
            var centre = left + delta;
            var right = centre + delta;
            var first = -1;
            var list = new List<float>();
            for (var i = 0; i < bins; i++)
            {
                var mel = MelScale(binHz * i);
                if (mel > left && mel < right)
                {
                    if (first < 0)
                    {
                        first = i;
                    }
                    list.Add((float)(mel <= centre ? (mel - left) / (centre - left) : (right - mel) / (right - centre)));
                }
            }
            start[b] = Math.Max(first, 0);
            weights[b] = [.. list];
        }
        return (start, weights);
    }
}
