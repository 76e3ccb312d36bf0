namespace StreamingAnchor.Data.Synthesis;

/// <summary>How a long stream shares its free time between the lead, the gaps and the tail.</summary>
public static class LongStreamLayout
{
    /// <summary>
    /// <paramref name="slack"/> seconds over <paramref name="items"/> + 1 places (lead, the gap after each item), by
    /// random weights in 0.2..1.8, so background stretches vary from short pauses to long passages.
    /// </summary>
    public static double[] Spread(double slack, int items, Random rng)
    {
        var w = new double[items + 1];
        for (var i = 0; i < w.Length; i++)
        {
            w[i] = 0.2 + 1.6 * rng.NextDouble();
        }
        var sum = w.Sum();
        for (var i = 0; i < w.Length; i++)
        {
            w[i] = slack * w[i] / sum;
        }
        return w;
    }
}
