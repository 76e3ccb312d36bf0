namespace StreamingAnchor.Anchors;

/// <summary>
/// Energy-based endpointer for clips without timing (Speech Commands): frame log-energies (dB), a noise floor from a
/// low percentile, a threshold part-way to the peak, short gaps bridged and clicks dropped; speech runs from the
/// centre of the first speech frame to the centre of the last. Returns null when the clip has no clear speech.
/// </summary>
public sealed class EnergyEndpointer(EndpointerConfig? config = null)
{
    public EndpointerConfig Config { get; } = config ?? new EndpointerConfig();

    public SpeechSegment? Detect(ReadOnlySpan<float> samples)
    {
        var c = Config;
        if (samples.Length < c.WindowSamples)
        {
            return null;
        }
        var frames = 1 + ((samples.Length - c.WindowSamples) / c.HopSamples);
        var db = new double[frames];
        for (var t = 0; t < frames; t++)
        {
            var window = samples.Slice(t * c.HopSamples, c.WindowSamples);
            double mean = 0;
            foreach (var v in window)
            {
                mean += v;
            }
            mean /= window.Length;
            double energy = 0;
            foreach (var v in window)
            {
                energy += (v - mean) * (v - mean);
            }
            db[t] = 10 * Math.Log10((energy / window.Length) + 1e-10);
        }
        var sorted = db.Order().ToArray();
        var floor = sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(c.FloorPercentile * sorted.Length))];
        var peak = sorted[^1];
        if (peak - floor < c.MinDynamicRangeDb)
        {
            return null;
        }
        var threshold = Math.Max(floor + (c.ThresholdFraction * (peak - floor)), floor + c.MinAboveFloorDb);
        var active = db.Select(v => v > threshold).ToArray();

        var maxGap = (int)Math.Round(c.MaxGapSeconds * c.SampleRate / c.HopSamples);
        var runs = Runs(active);
        var merged = new List<(int Start, int End)>();
        foreach (var run in runs)
        {
            if (merged.Count > 0 && run.Start - merged[^1].End <= maxGap)
            {
                merged[^1] = (merged[^1].Start, run.End);
            }
            else
            {
                merged.Add(run);
            }
        }
        var minFrames = (int)Math.Round(c.MinSpeechSeconds * c.SampleRate / c.HopSamples);
        var kept = merged.Where(r => r.End - r.Start >= minFrames).ToList();
        if (kept.Count == 0)
        {
            kept = [merged.MaxBy(r => r.End - r.Start)];
        }
        var first = kept[0].Start;
        var last = kept[^1].End - 1;
        // A frame straddling the boundary crosses the threshold when about half of it is speech: frame centres
        // estimate the boundaries without the bias of either edge.
        var start = ((double)first * c.HopSamples + (c.WindowSamples / 2.0)) / c.SampleRate;
        var end = ((double)last * c.HopSamples + (c.WindowSamples / 2.0)) / c.SampleRate;
        return new SpeechSegment(start, end);
    }

    private static List<(int Start, int End)> Runs(bool[] active)
    {
        var runs = new List<(int, int)>();
        var t = 0;
        while (t < active.Length)
        {
            if (!active[t])
            {
                t++;
                continue;
            }
            var s = t;
            while (t < active.Length && active[t])
            {
                t++;
            }
            runs.Add((s, t));
        }
        return runs;
    }
}
