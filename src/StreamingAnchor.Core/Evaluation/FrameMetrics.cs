namespace StreamingAnchor.Evaluation;

/// <summary>Frame-level agreement of thresholded smoothed posteriors with frame targets (positive = any class).</summary>
public sealed record FrameMetrics(double Threshold, long Frames, long TruePositives, long FalsePositives, long FalseNegatives, long TrueNegatives)
{
    public double Accuracy => Frames == 0 ? 0 : (double)(TruePositives + TrueNegatives) / Frames;

    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}
