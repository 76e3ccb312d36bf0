using StreamingAnchor.Audio;

namespace StreamingAnchor.Data;

/// <summary>Noise recordings held in memory at the front-end rate, mixed into speech at a chosen SNR.</summary>
public sealed class NoiseBank
{
    private readonly float[][] _clips;

    public NoiseBank(IReadOnlyList<float[]> clips)
    {
        _clips = clips.Where(c => c.Length > 0).ToArray();
        if (_clips.Length == 0)
        {
            throw new ArgumentException("noise bank has no non-empty recordings");
        }
    }

    public int Count => _clips.Length;

    /// <summary>Every clip of a noise manifest (all splits), read at <paramref name="sampleRate"/>.</summary>
    public static NoiseBank Load(string manifestPath, int sampleRate = FbankConfig.DeviceSampleRate)
    {
        var manifest = Manifest.Load(manifestPath);
        var clips = manifest.Entries.Select(e => WavFile.Read(manifest.Resolve(e.Audio), sampleRate).Samples).ToList();
        if (clips.All(c => c.Length == 0))
        {
            throw new InvalidDataException($"{manifestPath}: noise manifest has only empty recordings");
        }
        return new NoiseBank(clips);
    }

    /// <summary>
    /// Adds a random stretch of a random recording (looped if short) to <paramref name="signal"/> in place, scaled so
    /// that signal power / noise power = <paramref name="snrDb"/>. A silent signal gets noise at its own level instead.
    /// </summary>
    public void Mix(Span<float> signal, double snrDb, Random rng)
    {
        if (signal.Length == 0)
        {
            return;
        }
        var noise = _clips[rng.Next(_clips.Length)];
        var offset = rng.Next(noise.Length);
        double signalPower = 0;
        double noisePower = 0;
        for (var i = 0; i < signal.Length; i++)
        {
            var n = noise[(offset + i) % noise.Length];
            signalPower += signal[i] * (double)signal[i];
            noisePower += n * (double)n;
        }
        if (noisePower <= 0)
        {
            return;
        }
        var scale = signalPower > 0 ? Math.Sqrt(signalPower / noisePower / Math.Pow(10, snrDb / 10)) : 1.0;
        for (var i = 0; i < signal.Length; i++)
        {
            signal[i] += (float)(scale * noise[(offset + i) % noise.Length]);
        }
    }
}
