namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// The background of a long stream: its files one after another, each brought to the same RMS (so one loud file does
/// not set the level of the whole stream), joined with short crossfades and looped through the list until the stream
/// is full; the first file starts at a random offset. Memory is the stream's length plus one file.
/// </summary>
public static class BackgroundBed
{
    /// <summary>Crossfade between consecutive files, samples (25 ms): no click at a join.</summary>
    public const int Fade = SpeechCut.Rate / 40;

    /// <summary>The bed, or null when no file could be read or every one is silent (the caller uses generated noise).</summary>
    public static float[]? Sequence(IReadOnlyList<RealFile> files, int total, Random rng, SourceFetcher sources, CancellationToken cancellationToken)
    {
        // Gains apply while copying, so the loaded arrays are never written (a cache may share them).
        var pieces = new List<(float[] X, float Gain)>();
        foreach (var file in files)
        {
            float[] x;
            try
            {
                // A recording longer than the stream is read only for the stretch it can fill.
                var frames = sources.Frames(file, cancellationToken);
                x = frames > total ? sources.LoadStretch(file, rng.Next(frames - total), total, cancellationToken) : sources.Load(file, cancellationToken);
            }
            catch (SynthesisException)
            {
                continue; // undecodable: skipped the same way on every run (SourceFetcher reports it)
            }
            var rms = ClipRenderer.Rms(x);
            if (x.Length > 2 * Fade && rms >= 1e-5)
            {
                pieces.Add((x, (float)(1 / rms)));
            }
        }
        if (pieces.Count == 0)
        {
            return null;
        }
        var bed = new float[total];
        var first = pieces[0].X;
        var pos = 0;
        var offset = rng.Next(Math.Max(1, first.Length - 2 * Fade));
        for (var k = 0; pos < total; k++)
        {
            var (piece, gain) = pieces[k % pieces.Count];
            var start = k == 0 ? offset : 0;
            var n = Math.Min(piece.Length - start, total - pos);
            // Fade in over the previous piece's tail (already faded out below), except for the very first piece.
            for (var i = 0; i < n; i++)
            {
                var v = piece[start + i] * gain;
                if (k > 0 && i < Fade)
                {
                    v *= (float)(i + 1) / (Fade + 1);
                }
                if (i >= piece.Length - start - Fade)
                {
                    v *= (float)(piece.Length - start - i) / (Fade + 1);
                }
                bed[pos + i] += v;
            }
            // The next piece starts under this one's fade-out.
            pos += Math.Max(1, n - (n == piece.Length - start ? Fade : 0));
        }
        return bed;
    }
}
