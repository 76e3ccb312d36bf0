namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// The background of a long stream: its files one after another, each brought to the same RMS (so one loud file does
/// not set the level of the whole stream), joined with short crossfades; the first file starts at a random offset.
/// Files are read only as the stream needs them (a list may name far more than fit), and the list starts over only
/// when it runs out before the stream is full. Memory is the stream's length plus the files played.
/// </summary>
public static class BackgroundBed
{
    /// <summary>Crossfade between consecutive files, samples (25 ms): no click at a join.</summary>
    public const int Fade = SpeechCut.Rate / 40;

    /// <summary>The bed, or null when no file could be read or every one is silent (the caller uses generated noise).</summary>
    public static float[]? Sequence(IReadOnlyList<RealFile> files, int total, Random rng, SourceFetcher sources, CancellationToken cancellationToken) =>
        Sequence(files, total, rng, file => Read(file, total, rng, sources, cancellationToken));

    /// <summary>
    /// The same with <paramref name="read"/> giving a file's samples (null when it cannot be used): called at most once
    /// per file, in list order, and only while the stream is not full.
    /// </summary>
    public static float[]? Sequence(IReadOnlyList<RealFile> files, int total, Random rng, Func<RealFile, float[]?> read)
    {
        // Gains apply while copying, so the loaded arrays are never written (a cache may share them).
        var pieces = new List<(float[] X, float Gain)>();
        var next = 0;
        (float[] X, float Gain)? Piece(int k)
        {
            while (pieces.Count <= k && next < files.Count)
            {
                if (read(files[next++]) is { Length: > 2 * Fade } x && ClipRenderer.Rms(x) is var rms && rms >= 1e-5)
                {
                    pieces.Add((x, (float)(1 / rms)));
                }
            }
            return pieces.Count == 0 ? null : pieces[k % pieces.Count];
        }

        if (Piece(0) is not { } head)
        {
            return null;
        }
        var bed = new float[total];
        var pos = 0;
        var offset = rng.Next(Math.Max(1, head.X.Length - 2 * Fade));
        for (var k = 0; pos < total; k++)
        {
            var (piece, gain) = Piece(k)!.Value;
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

    private static float[]? Read(RealFile file, int total, Random rng, SourceFetcher sources, CancellationToken cancellationToken)
    {
        try
        {
            // A recording longer than the stream is read only for the stretch it can fill.
            var frames = sources.Frames(file, cancellationToken);
            return frames > total ? sources.LoadStretch(file, rng.Next(frames - total), total, cancellationToken) : sources.Load(file, cancellationToken);
        }
        catch (SynthesisException)
        {
            return null; // undecodable: skipped the same way on every run (SourceFetcher reports it)
        }
    }
}
