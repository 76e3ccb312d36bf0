namespace StreamingAnchor.Training;

/// <summary>A training step produced a NaN or infinite loss; the last good checkpoint is left untouched.</summary>
public sealed class NonFiniteLossException(int epoch, long step, double loss)
    : Exception($"non-finite loss ({loss}) at epoch {epoch}, step {step}; the last good checkpoint is kept")
{
    public int Epoch { get; } = epoch;

    public long Step { get; } = step;
}
