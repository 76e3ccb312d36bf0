using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// A wearable's accelerometer, one row per frame of the stream files' grid (<see cref="FrameStreamFile.Grid"/>, the
/// default front end's: frame t covers samples [160 t, 160 t + 400), 10 ms apart; runs on another hop read it by time): x, y, z in g (gravity through a slowly drifting orientation, walking at ~2 Hz, gestures,
/// sensor noise) and a bone-conduction channel that follows the envelope of the wearer's own speech only
/// (low-passed, attenuated, plus sensor noise and a little motion leakage). Bystanders and loudspeakers move air,
/// not the wearer's skull, so they never reach the fourth channel.
/// </summary>
public static class AccelerometerSimulator
{
    public const int Features = 4;
    private static readonly int Hop = FrameStreamFile.Grid.HopSamples;
    private static readonly int Window = FrameStreamFile.Grid.WindowSamples;
    private static readonly double FrameRate = FrameStreamFile.Grid.FramesPerSecond;

    /// <summary>Number of frames of a clip of <paramref name="samples"/> samples (snip_edges).</summary>
    public static int FrameCount(int samples) => FrameStreamFile.Grid.FrameCount(samples);

    /// <param name="wearerSpeech">The wearer's dry speech only, aligned with the clip (same length).</param>
    /// <param name="boneGain">Attenuation of the speech envelope into the bone channel.</param>
    public static FeatureMatrix Simulate(ReadOnlySpan<float> wearerSpeech, MotionProfile motion, double boneGain, Random rng)
    {
        var frames = FrameCount(wearerSpeech.Length);
        var data = new float[frames * Features];

        // Orientation: random initial tilt, then a slow random walk (drift).
        var pitch = (rng.NextDouble() - 0.5) * 1.2;
        var roll = (rng.NextDouble() - 0.5) * 1.2;
        var walkPhase = rng.NextDouble() * 2 * Math.PI;
        var swayPhase = rng.NextDouble() * 2 * Math.PI;
        var gestures = Enumerable.Range(0, motion.Gestures).Select(_ =>
        {
            var centre = rng.NextDouble() * frames / FrameRate;
            var width = 0.08 + 0.25 * rng.NextDouble();
            var dir = new[] { NoiseGenerator.Gaussian(rng), NoiseGenerator.Gaussian(rng), NoiseGenerator.Gaussian(rng) };
            var norm = Math.Sqrt(dir.Sum(d => d * d)) + 1e-9;
            return (centre, width, dir.Select(d => d / norm * motion.GestureAmplitudeG).ToArray());
        }).ToList();

        double envelope = 0;
        for (var t = 0; t < frames; t++)
        {
            var time = (t * Hop + Window / 2.0) / FrameStreamFile.Grid.SampleRate;
            pitch += NoiseGenerator.Gaussian(rng) * motion.DriftRadPerSecond / Math.Sqrt(FrameRate);
            roll += NoiseGenerator.Gaussian(rng) * motion.DriftRadPerSecond / Math.Sqrt(FrameRate);
            var gx = -Math.Sin(pitch);
            var gy = Math.Cos(pitch) * Math.Sin(roll);
            var gz = Math.Cos(pitch) * Math.Cos(roll);
            double ax = gx, ay = gy, az = gz;
            double motionEnergy = 0;

            if (motion.Walking && time >= motion.WalkStart && time < motion.WalkEnd)
            {
                // Vertical bounce at the step rate with a second harmonic (heel strike), lateral sway at half the rate.
                var w = 2 * Math.PI * motion.CadenceHz * time + walkPhase;
                var bounce = motion.WalkAmplitudeG * (Math.Sin(w) + 0.35 * Math.Sin(2 * w + 0.7));
                var sway = 0.3 * motion.WalkAmplitudeG * Math.Sin(0.5 * w + swayPhase);
                ax += bounce * gx + sway;
                ay += bounce * gy;
                az += bounce * gz;
                motionEnergy += Math.Abs(bounce) + Math.Abs(sway);
            }
            foreach (var (centre, width, dir) in gestures)
            {
                // Derivative of a Gaussian: the acceleration of a hand moving out and stopping.
                var u = (time - centre) / width;
                if (Math.Abs(u) < 4)
                {
                    var shape = -u * Math.Exp(-0.5 * u * u) * 1.6487;
                    ax += dir[0] * shape;
                    ay += dir[1] * shape;
                    az += dir[2] * shape;
                    motionEnergy += Math.Abs(shape) * Math.Sqrt(dir.Sum(d => d * d));
                }
            }
            const double sensorNoise = 0.01;
            ax += sensorNoise * NoiseGenerator.Gaussian(rng);
            ay += sensorNoise * NoiseGenerator.Gaussian(rng);
            az += sensorNoise * NoiseGenerator.Gaussian(rng);

            // Bone channel: RMS of the wearer's speech over this frame's window, one-pole low-pass (~11 Hz).
            double energy = 0;
            var begin = t * Hop;
            for (var i = begin; i < begin + Window; i++)
            {
                energy += wearerSpeech[i] * wearerSpeech[i];
            }
            var rms = Math.Sqrt(energy / Window);
            envelope += 0.5 * (rms - envelope);
            var bone = boneGain * envelope + 0.002 * Math.Abs(NoiseGenerator.Gaussian(rng)) + 0.002 * motionEnergy;

            data[t * Features] = (float)ax;
            data[t * Features + 1] = (float)ay;
            data[t * Features + 2] = (float)az;
            data[t * Features + 3] = (float)bone;
        }
        return new FeatureMatrix(data, frames, Features);
    }
}
