using System.Globalization;
using System.Runtime.InteropServices;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Room reverberation and loudspeaker colouring through sox on float buffers (raw float32 pipes, no dither, repeatable
/// mode, so the same input gives the same output). Both effects keep the dry signal sample-aligned (checked with an
/// impulse), so labels placed on the dry speech stay exact.
/// </summary>
public static class SoxEffects
{
    /// <summary>Dry plus reverberant tail; the result is longer than the input by <paramref name="tailSeconds"/>.</summary>
    public static float[] Reverb(float[] x, double reverberance, double hfDamping, double roomScale, double wetGainDb,
        double tailSeconds, CancellationToken cancellationToken)
    {
        var padded = new float[x.Length + (int)(tailSeconds * SpeechCut.Rate)];
        x.CopyTo(padded, 0);
        return Apply(padded,
        [
            "reverb", F(reverberance), F(hfDamping), F(roomScale), "100", "0", F(wetGainDb),
        ], cancellationToken);
    }

    /// <summary>A small loudspeaker: telephone-like band (300-3400 Hz).</summary>
    public static float[] Loudspeaker(float[] x, CancellationToken cancellationToken) =>
        Apply(x, ["sinc", "300-3400"], cancellationToken);

    private static string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

    private static float[] Apply(float[] x, IReadOnlyList<string> effect, CancellationToken cancellationToken)
    {
        var raw = new[] { "-t", "raw", "-r", FbankConfig.DeviceSampleRate.ToString(CultureInfo.InvariantCulture), "-e", "floating-point", "-b", "32", "-c", "1" };
        var args = new List<string> { "-D", "-R", "-V1" };
        args.AddRange(raw);
        args.Add("-");
        args.AddRange(raw);
        args.Add("-");
        args.AddRange(effect);
        var output = ToolRunner.RunChecked("sox", args, MemoryMarshal.AsBytes(x.AsSpan()).ToArray(),
            cancellationToken: cancellationToken).Stdout;
        var y = MemoryMarshal.Cast<byte, float>(output.AsSpan(0, output.Length / 4 * 4)).ToArray();
        if (y.Length != x.Length)
        {
            throw new SynthesisException($"sox {effect[0]}: returned {y.Length} samples for {x.Length}");
        }
        return y;
    }
}
