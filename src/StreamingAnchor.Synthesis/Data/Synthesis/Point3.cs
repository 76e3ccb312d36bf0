namespace StreamingAnchor.Data.Synthesis;

/// <summary>A position in a room, metres from the corner at the origin.</summary>
public readonly record struct Point3(double X, double Y, double Z)
{
    public double DistanceTo(Point3 other)
    {
        var (dx, dy, dz) = (X - other.X, Y - other.Y, Z - other.Z);
        return Math.Sqrt(dx * dx + dy * dy + dz * dz);
    }
}
