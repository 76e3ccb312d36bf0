namespace StreamingAnchor.Data.Synthesis;

/// <summary>Seeded white, pink and brown noise at a given RMS; the same seed gives the same samples.</summary>
public static class NoiseGenerator
{
    public static float[] Generate(NoiseColor color, int samples, int seed, double rms = 0.1)
    {
        var rng = new Random(seed);
        var x = new double[samples];
        switch (color)
        {
            case NoiseColor.White:
                for (var i = 0; i < samples; i++)
                {
                    x[i] = Gaussian(rng);
                }
                break;
            case NoiseColor.Pink:
                {
                    // Paul Kellett's refined pink filter: a sum of one-pole lowpasses approximating 1/f within 0.05 dB.
                    double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
                    for (var i = 0; i < samples; i++)
                    {
                        var w = Gaussian(rng);
                        b0 = 0.99886 * b0 + w * 0.0555179;
                        b1 = 0.99332 * b1 + w * 0.0750759;
                        b2 = 0.96900 * b2 + w * 0.1538520;
                        b3 = 0.86650 * b3 + w * 0.3104856;
                        b4 = 0.55000 * b4 + w * 0.5329522;
                        b5 = -0.7616 * b5 - w * 0.0168980;
                        x[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
                        b6 = w * 0.115926;
                    }
                    break;
                }
            case NoiseColor.Brown:
                {
                    // Leaky integration keeps the random walk bounded (corner near 8 Hz at 16 kHz).
                    double y = 0;
                    for (var i = 0; i < samples; i++)
                    {
                        y = 0.997 * y + Gaussian(rng);
                        x[i] = y;
                    }
                    break;
                }
        }
        return Normalise(x, rms);
    }

    /// <summary>A standard normal draw (Box-Muller).</summary>
    public static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static float[] Normalise(double[] x, double rms)
    {
        double mean = 0;
        foreach (var v in x)
        {
            mean += v;
        }
        mean /= Math.Max(1, x.Length);
        double energy = 0;
        foreach (var v in x)
        {
            energy += (v - mean) * (v - mean);
        }
        var scale = energy > 0 ? rms / Math.Sqrt(energy / x.Length) : 0;
        var result = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            result[i] = (float)((x[i] - mean) * scale);
        }
        return result;
    }
}
