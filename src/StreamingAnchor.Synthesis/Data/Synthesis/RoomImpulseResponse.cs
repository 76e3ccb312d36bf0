namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Room impulse responses of a shoebox room at 16 kHz: image sources (Allen and Berkley) for the first
/// <see cref="ImageSeconds"/> after the direct sound, each placed with a windowed-sinc fractional delay, followed by a
/// diffuse tail of seeded Gaussian noise decaying at the room's RT60, at the energy the image model has on average at
/// that time (c / 4 pi V per second). Images alone would cost (c t)^3 / V sources for a tail of t seconds (millions
/// for a reverberant living room); after ~100 ms the reflections are dense enough that their fine structure is noise.
/// The response is shifted so the direct path lands on sample 0 with amplitude 1: convolving dry speech keeps it
/// sample-aligned with the labels, and the direct-to-reverberant ratio still follows the source distance.
/// Generating one costs well under a millisecond for the images plus one Gaussian draw per tail sample.
/// A DC blocker (first-order high-pass near 50 Hz, unit gain at sample 0) removes the low-frequency build-up.
/// </summary>
public static class RoomImpulseResponse
{
    public const double SpeedOfSound = 343;

    /// <summary>Span after the direct sound covered by exact image sources, seconds.</summary>
    public const double ImageSeconds = 0.1;

    /// <summary>Longest response, seconds (the tail is -60 dB by RT60; longer rooms are cut there).</summary>
    public const double MaxSeconds = 1.5;

    private const int SincHalfWidth = 8;

    /// <summary>The response from <paramref name="source"/> to the room's microphone; <paramref name="seed"/> draws the tail.</summary>
    public static float[] Generate(RoomPlan room, Point3 source, int seed, int rate = SpeechCut.Rate)
    {
        ArgumentNullException.ThrowIfNull(room);
        var mic = room.Microphone;
        var direct = Math.Max(0.05, source.DistanceTo(mic));
        var length = (int)Math.Ceiling(Math.Min(MaxSeconds, room.Rt60) * rate) + SincHalfWidth;
        var h = new double[length];
        var beta = Math.Sqrt(1 - room.Absorption);
        var reach = direct + SpeedOfSound * ImageSeconds;
        var dims = new[] { room.Length, room.Width, room.Height };
        var src = new[] { source.X, source.Y, source.Z };
        var mc = new[] { mic.X, mic.Y, mic.Z };
        var limits = dims.Select(d => (int)Math.Ceiling(reach / (2 * d)) + 1).ToArray();

        // Per axis, every image coordinate offset from the microphone and its reflection count (parity u, cell l):
        // x = (1 - 2u) xs + 2 l Lx, reflected |l - u| + |l| times.
        var axes = new List<(double Offset, int Reflections)>[3];
        for (var a = 0; a < 3; a++)
        {
            axes[a] = [];
            for (var l = -limits[a]; l <= limits[a]; l++)
            {
                for (var u = 0; u <= 1; u++)
                {
                    var offset = (1 - 2 * u) * src[a] + 2 * l * dims[a] - mc[a];
                    if (Math.Abs(offset) <= reach)
                    {
                        axes[a].Add((offset, Math.Abs(l - u) + Math.Abs(l)));
                    }
                }
            }
        }
        var betaPow = Enumerable.Range(0, 4 * limits.Max() + 8).Select(k => Math.Pow(beta, k)).ToArray();
        var reach2 = reach * reach;
        foreach (var (ox, rx) in axes[0])
        {
            foreach (var (oy, ry) in axes[1])
            {
                var xy = ox * ox + oy * oy;
                if (xy > reach2)
                {
                    continue;
                }
                foreach (var (oz, rz) in axes[2])
                {
                    var r2 = xy + oz * oz;
                    if (r2 > reach2)
                    {
                        continue;
                    }
                    var r = Math.Max(Math.Sqrt(r2), direct);
                    // Spherical spreading relative to the direct path, one factor beta per wall hit.
                    var amplitude = direct / r * betaPow[rx + ry + rz];
                    AddFractional(h, (r - direct) / SpeedOfSound * rate, amplitude);
                }
            }
        }

        // Diffuse tail from the end of the image span: Gaussian noise whose energy per sample is the image model's
        // mean, (4 pi d^2) c / (V fs) relative to the direct path, decaying 60 dB per RT60, lightly low-passed (walls
        // and air absorb high frequencies faster) with its variance restored.
        var rng = new Random(seed);
        var start = (int)Math.Ceiling(ImageSeconds * rate);
        const double pole = 0.35;
        var restore = Math.Sqrt((1 + pole) / (1 - pole));
        var density = 4 * Math.PI * direct * direct * SpeedOfSound / (room.Volume * rate);
        double lowpassed = 0;
        for (var i = start; i < length; i++)
        {
            var t = (double)i / rate + direct / SpeedOfSound;
            var envelope = Math.Sqrt(density * Math.Pow(10, -6 * t / room.Rt60));
            lowpassed = (1 - pole) * NoiseGenerator.Gaussian(rng) + pole * lowpassed;
            h[i] += envelope * lowpassed * restore;
        }

        // DC blocker y[n] = x[n] - x[n-1] + R y[n-1]: y[0] = x[0], so the direct path keeps amplitude 1 at sample 0.
        var result = new float[length];
        var rCoef = Math.Exp(-2 * Math.PI * 50 / rate);
        double prevX = 0, prevY = 0;
        for (var i = 0; i < length; i++)
        {
            var y = h[i] - prevX + rCoef * prevY;
            prevX = h[i];
            prevY = y;
            result[i] = (float)y;
        }
        return result;
    }

    /// <summary>Adds a delayed impulse with a Hann-windowed sinc (exact at integer delays; taps before 0 are dropped).</summary>
    private static void AddFractional(double[] h, double delay, double amplitude)
    {
        var whole = (int)Math.Floor(delay);
        var frac = delay - whole;
        if (frac < 1e-9)
        {
            if (whole < h.Length)
            {
                h[whole] += amplitude;
            }
            return;
        }
        for (var k = -SincHalfWidth + 1; k <= SincHalfWidth; k++)
        {
            var index = whole + k;
            if (index < 0 || index >= h.Length)
            {
                continue;
            }
            var x = k - frac;
            var window = 0.5 + 0.5 * Math.Cos(Math.PI * x / SincHalfWidth);
            h[index] += amplitude * window * Math.Sin(Math.PI * x) / (Math.PI * x);
        }
    }
}
