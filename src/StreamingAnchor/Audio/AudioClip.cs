namespace StreamingAnchor.Audio;

/// <summary>Mono audio in [-1, 1] at a known sample rate; the library's in-memory form of every clip.</summary>
public sealed record AudioClip(float[] Samples, int SampleRate)
{
    public double DurationSeconds => SampleRate > 0 ? (double)Samples.Length / SampleRate : 0;
}
