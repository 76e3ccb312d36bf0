namespace StreamingAnchor.Evaluation;

/// <summary>
/// The best operating point of a sweep whose false alarms per hour stay at or below a target (lowest FRR, then fewest
/// false alarms); if no threshold reaches the target, the silent detector (FRR 1).
/// </summary>
public sealed record TargetOperatingPoint(double FaPerHourTarget, OperatingPoint Point);
