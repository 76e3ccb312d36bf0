namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// A shoebox room for one stream: its size (metres), the reverberation time it is given (RT60, seconds; the wall
/// absorption follows from it), the microphone, one source position per planned item (same order as the plan's
/// items), the position of the babble talkers, and a seed for the diffuse tail.
/// </summary>
public sealed record RoomPlan(
    double Length,
    double Width,
    double Height,
    double Rt60,
    Point3 Microphone,
    IReadOnlyList<Point3> Sources,
    Point3 BabbleSource,
    int Seed)
{
    public double Volume => Length * Width * Height;

    public double Surface => 2 * (Length * Width + Length * Height + Width * Height);

    /// <summary>
    /// Random-incidence absorption of every wall from Eyring's formula, RT60 = 0.161 V / (-S ln(1 - a)). Eyring rather
    /// than Sabine because image sources lose (1 - a) of their energy per reflection at c S / 4V reflections per
    /// second, which is exactly Eyring's decay.
    /// </summary>
    public double Absorption => Math.Clamp(1 - Math.Exp(-0.161 * Volume / (Surface * Rt60)), 0.01, 0.99);
}
