namespace StreamingAnchor.Audio;

/// <summary>What a WAV header says, read without decoding samples (for manifest checks and importers).</summary>
public sealed record WavInfo(int SampleRate, int Channels, int BitsPerSample, bool IsFloat, int Frames)
{
    public double DurationSeconds => (double)Frames / SampleRate;
}
