namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// The wearer's movement during a clip: walking (cadence in Hz, amplitude in g, on between the given seconds),
/// gesture count and strength, and how fast the device orientation drifts.
/// </summary>
public sealed record MotionProfile(
    bool Walking,
    double WalkStart,
    double WalkEnd,
    double CadenceHz,
    double WalkAmplitudeG,
    int Gestures,
    double GestureAmplitudeG,
    double DriftRadPerSecond)
{
    /// <summary>A random everyday profile; <paramref name="active"/> forces walking and more gestures (motion-only negatives).</summary>
    public static MotionProfile Random(Random rng, double seconds, bool active)
    {
        var walking = active || rng.NextDouble() < 0.5;
        var walkStart = active ? 0 : rng.NextDouble() * seconds * 0.5;
        var walkEnd = active ? seconds : walkStart + (seconds - walkStart) * (0.3 + 0.7 * rng.NextDouble());
        var gestures = (int)Math.Round(seconds / 6 * rng.NextDouble() * (active ? 4 : 1.5));
        return new MotionProfile(walking, walkStart, walkEnd, 1.7 + 0.6 * rng.NextDouble(), 0.1 + 0.25 * rng.NextDouble(),
            gestures, 0.2 + (active ? 0.8 : 0.4) * rng.NextDouble(), 0.005 + 0.03 * rng.NextDouble());
    }
}
