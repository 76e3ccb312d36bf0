namespace StreamingAnchor.Export;

/// <summary>What one call of a raw-audio graph returned: rows [Frames, Classes] of posteriors and smoothed scores, and the log-mel features.</summary>
public sealed record RawAudioStep(float[] Posteriors, float[] Score, float[] Features, int Classes)
{
    public int Frames => Posteriors.Length / Classes;
}
