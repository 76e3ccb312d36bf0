namespace StreamingAnchor.Audio;

/// <summary>What a WAV header says, read without decoding samples (for manifest checks and importers).</summary>
public sealed record WavInfo(int SampleRate, int Channels, int BitsPerSample, bool IsFloat, int Frames)
{
    // WavFile refuses such headers; checking again here keeps DurationSeconds finite for any other producer.
    public int SampleRate { get; init; } = SampleRate > 0
        ? SampleRate
        : throw new ArgumentOutOfRangeException(nameof(SampleRate), $"sample rate must be positive, got {SampleRate}");

    public int Frames { get; init; } = Frames >= 0
        ? Frames
        : throw new ArgumentOutOfRangeException(nameof(Frames), $"frame count must not be negative, got {Frames}");

    public double DurationSeconds => (double)Frames / SampleRate;
}
