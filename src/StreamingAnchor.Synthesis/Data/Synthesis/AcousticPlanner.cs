namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Draws a stream's <see cref="AcousticPlan"/> after its content is planned, from a generator of its own seeded by
/// the clip seed (so the content draws do not move when these settings change): speech run into the keyword without
/// a pause and a second talker over it (kws and trigger positives), a shoebox room, a channel, a babble bed
/// (not for onset streams: babble is speech its labels would call background) and the stream's peak level.
/// </summary>
public sealed class AcousticPlanner(SynthConfig config)
{
    /// <summary>Makes a TTS item of the clip's split: kind, role, gain (dB against -20 dBFS) and voice (null: any).</summary>
    public delegate PlannedItem TtsFactory(Random rng, ItemKind kind, SpeakerRole role, double gainDb, Voice? voice);

    /// <summary>Makes a real-speech item of the clip's split, or null when the split has none.</summary>
    public delegate PlannedItem? RealFactory(Random rng, double gainDb);

    private static readonly (ChannelKind Kind, double Weight, int[] Bitrates)[] Channels =
    [
        (ChannelKind.Telephone, 0.25, [0]),
        (ChannelKind.Gsm, 0.15, [0]),
        (ChannelKind.G722, 0.2, [0]),
        (ChannelKind.Mp3, 0.2, [24, 32, 48, 64]),
        (ChannelKind.Opus, 0.2, [8, 12, 16, 24]),
    ];

    private static double Uniform(Random rng, double lo, double hi) => lo + (hi - lo) * rng.NextDouble();

    public ClipPlan Apply(ClipPlan plan, SplitPool pool, Random rng, TtsFactory tts, RealFactory real)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(rng);
        var items = plan.Items.ToList();
        var gaps = new Dictionary<int, double>();
        OverlapPlan? overlap = null;
        var speechTask = config.Task != SynthTask.Onset;
        var k = items.FindIndex(i => i.Kind == ItemKind.Keyword && i.Role is SpeakerRole.Ambient or SpeakerRole.Wearer);
        if (speechTask && k >= 0)
        {
            var keyword = items[k];
            if (rng.NextDouble() < config.AdjacentSpeechProbability)
            {
                // The same talker runs on into and out of the keyword ("... and hey jarvis what is ..."), from the
                // same place, with 0-50 ms between the speech of the two.
                PlannedItem Continuation() =>
                    tts(rng, ItemKind.Sentence, keyword.Role, keyword.GainDb + Uniform(rng, -3, 3), keyword.Tts?.Voice) with { Reverb = keyword.Reverb };
                var where = rng.Next(3); // 0 before, 1 after, 2 both
                if (where != 1)
                {
                    items.Insert(k, Continuation());
                    ShiftGaps(gaps, k);
                    gaps[k] = Uniform(rng, 0, 0.05);
                    k++;
                }
                if (where != 0)
                {
                    items.Insert(k + 1, Continuation());
                    ShiftGaps(gaps, k + 1);
                    gaps[k] = Uniform(rng, 0, 0.05);
                }
            }
            if (rng.NextDouble() < config.OverlapProbability)
            {
                var relative = Uniform(rng, -10, 0);
                var role = config.Task == SynthTask.Trigger ? SpeakerRole.Bystander : SpeakerRole.Ambient;
                // Another voice when the split has one (a one-voice split can only overlap the keyword with itself).
                var voice = keyword.Tts is { } request && pool.Voices.Values.Sum(v => v.Count) > 1 ? pool.PickVoice(rng, request.Voice) : null;
                items.Add(tts(rng, ItemKind.Sentence, role, keyword.GainDb + relative, voice));
                overlap = new OverlapPlan(items.Count - 1, k, Uniform(rng, -0.8, 0.2), relative);
            }
        }

        var room = rng.NextDouble() < config.RoomProbability ? Room(rng, items) : null;
        var channel = ChannelPlan.None;
        if (rng.NextDouble() < config.ChannelProbability)
        {
            var u = rng.NextDouble() * Channels.Sum(c => c.Weight);
            var pick = Channels[^1];
            foreach (var c in Channels)
            {
                if (u < c.Weight)
                {
                    pick = c;
                    break;
                }
                u -= c.Weight;
            }
            channel = new ChannelPlan(pick.Kind, pick.Bitrates[rng.Next(pick.Bitrates.Length)]);
        }
        var gain = Uniform(rng, config.MinGainDbfs, config.MaxGainDbfs);

        BabblePlan? babble = null;
        if (speechTask && rng.NextDouble() < config.BabbleProbability)
        {
            // Enough utterances per talker that a short stream does not hear one sentence loop; longer streams loop.
            var perTalker = Math.Clamp((int)Math.Ceiling(plan.TargetSeconds / 6), 1, 4);
            var talkers = new List<IReadOnlyList<PlannedItem>>();
            var count = rng.Next(2, 7);
            for (var t = 0; t < count; t++)
            {
                var utterances = new List<PlannedItem>();
                for (var u = 0; u < perTalker; u++)
                {
                    var item = rng.NextDouble() < 0.5 ? real(rng, 0) : null;
                    utterances.Add(item ?? tts(rng, ItemKind.Sentence, SpeakerRole.Ambient, 0, null));
                }
                talkers.Add(utterances);
            }
            babble = new BabblePlan(talkers, Uniform(rng, config.MinBabbleSnrDb, config.MaxBabbleSnrDb), rng.Next());
        }
        return plan with { Items = items, Acoustics = new AcousticPlan(room, channel, gain, babble, gaps, overlap) };
    }

    /// <summary>Gaps keyed by item index move with the items after an insertion at <paramref name="at"/>.</summary>
    private static void ShiftGaps(Dictionary<int, double> gaps, int at)
    {
        foreach (var key in gaps.Keys.Where(key => key >= at).OrderDescending().ToList())
        {
            gaps[key + 1] = gaps[key];
            gaps.Remove(key);
        }
    }

    /// <summary>
    /// A room of 3-10 x 2.5-8 x 2.4-4 m with RT60 0.15-0.9 s; the microphone 0.5 m or more from the walls at
    /// 0.7-1.8 m; each item's talker at a distance by role (the wearer 8-25 cm, bystanders and loudspeakers 1-4 m,
    /// others 0.3-4 m), babble 1.5-5 m away.
    /// </summary>
    private static RoomPlan Room(Random rng, IReadOnlyList<PlannedItem> items)
    {
        var length = Uniform(rng, 3, 10);
        var width = Uniform(rng, 2.5, Math.Min(length, 8));
        var height = Uniform(rng, 2.4, 4);
        var rt60 = Uniform(rng, 0.15, 0.9);
        var mic = new Point3(Uniform(rng, 0.5, length - 0.5), Uniform(rng, 0.5, width - 0.5), Uniform(rng, 0.7, 1.8));
        Point3 Place(double minDistance, double maxDistance)
        {
            // A random direction (elevation within +-30 degrees) at a random distance; far draws that leave the room
            // are retried closer, so every source ends up inside with 0.2 m to spare.
            var distance = Uniform(rng, minDistance, maxDistance);
            var azimuth = Uniform(rng, 0, 2 * Math.PI);
            var elevation = Uniform(rng, -Math.PI / 6, Math.PI / 6);
            for (var attempt = 0; ; attempt++)
            {
                var p = new Point3(mic.X + distance * Math.Cos(elevation) * Math.Cos(azimuth),
                    mic.Y + distance * Math.Cos(elevation) * Math.Sin(azimuth), mic.Z + distance * Math.Sin(elevation));
                var inside = p.X >= 0.2 && p.X <= length - 0.2 && p.Y >= 0.2 && p.Y <= width - 0.2 && p.Z >= 0.2 && p.Z <= height - 0.2;
                if (inside || attempt >= 30)
                {
                    return inside ? p : new Point3(Math.Clamp(p.X, 0.2, length - 0.2), Math.Clamp(p.Y, 0.2, width - 0.2),
                        Math.Clamp(p.Z, 0.2, height - 0.2));
                }
                distance *= 0.85;
                azimuth = Uniform(rng, 0, 2 * Math.PI);
            }
        }
        var sources = items.Select(item => item.Role switch
        {
            SpeakerRole.Wearer => Place(0.08, 0.25),
            SpeakerRole.Bystander or SpeakerRole.Loudspeaker => Place(1, 4),
            _ => Place(0.3, 4),
        }).ToList();
        return new RoomPlan(length, width, height, rt60, mic, sources, Place(1.5, 5), rng.Next());
    }
}
