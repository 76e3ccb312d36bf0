namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Renders a <see cref="BabblePlan"/>: each talker says its utterances in turn with 0.1-0.6 s pauses, looped from a
/// random point so the talkers do not start together, at a level of its own (0 to -8 dB); the talkers are summed.
/// The result is unscaled: the renderer sets its level against the stream's speech.
/// </summary>
public static class Babble
{
    /// <summary><paramref name="load"/> returns an utterance levelled to the reference RMS (empty when unusable).</summary>
    public static float[] Render(BabblePlan plan, Func<PlannedItem, float[]> load, int total)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(load);
        var rng = new Random(plan.Seed);
        var bed = new float[total];
        foreach (var talker in plan.Talkers)
        {
            var turn = new List<float>();
            foreach (var item in talker)
            {
                var audio = load(item);
                if (audio.Length == 0)
                {
                    continue;
                }
                turn.AddRange(audio);
                turn.AddRange(new float[(int)(SpeechCut.Rate * (0.1 + 0.5 * rng.NextDouble()))]);
            }
            var level = (float)Math.Pow(10, -8 * rng.NextDouble() / 20);
            if (turn.Count == 0)
            {
                continue;
            }
            var start = rng.Next(turn.Count);
            for (var i = 0; i < total; i++)
            {
                bed[i] += level * turn[(start + i) % turn.Count];
            }
        }
        return bed;
    }
}
