namespace StreamingAnchor.Audio;

/// <summary>Mono audio in [-1, 1] at a known sample rate; the library's in-memory form of every clip.</summary>
public sealed record AudioClip(float[] Samples, int SampleRate)
{
    public float[] Samples { get; init; } = Samples ?? throw new ArgumentNullException(nameof(Samples));

    // A clip without a positive rate has no duration; refusing it here keeps every later division safe.
    public int SampleRate { get; init; } = SampleRate > 0
        ? SampleRate
        : throw new ArgumentOutOfRangeException(nameof(SampleRate), $"sample rate must be positive, got {SampleRate}");

    public double DurationSeconds => (double)Samples.Length / SampleRate;
}
