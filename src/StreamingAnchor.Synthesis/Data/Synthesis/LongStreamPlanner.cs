using System.Globalization;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Plans the long negative streams (<see cref="SynthConfig.LongMinSeconds"/> to <see cref="SynthConfig.LongMaxSeconds"/>):
/// talk without the keyword, TV-like speech over music, one source's background alone (music, ambience, traffic,
/// keyboard, effects: whatever non-speech kinds the corpus has, chosen kind first so a new kind such as music gets its
/// share), and near-silence. Onset gets background alone and background followed by speech; trigger gets bystanders
/// instead of talk. Like clips, each stream draws from its own generator (seed, index) and from its split's pools only.
/// </summary>
public sealed class LongStreamPlanner(SynthConfig config, IReadOnlyDictionary<string, SplitPool> pools, CorpusPlanner clips)
{
    /// <summary>
    /// Most background files listed per stream, all different: enough one-second effects to fill the longest stream, so
    /// the renderer (which plays them in turn and loops the list only if it runs out) repeats a file only when its
    /// source has too few. A short list looped made one confusing file recur ten times in a stream.
    /// </summary>
    public const int BedFiles = 192;

    /// <summary>
    /// The long streams; <paramref name="firstIndex"/> is their first position in the whole plan. With
    /// <see cref="SynthConfig.LongStreams"/> a count is split by the fractions (shuffled by seed); otherwise each split
    /// gets streams until their planned lengths reach its share of the hours, so the test split's negative hours are
    /// a floor, not an expectation (rendered streams are at least as long as planned).
    /// </summary>
    public IReadOnlyList<ClipPlan> Plan(int firstIndex)
    {
        var plans = new List<ClipPlan>();
        var testShare = Math.Max(0, 1 - config.LongTrainFraction - config.LongDevFraction);
        if (config.LongStreams is { } n)
        {
            var nDev = (int)Math.Round(n * config.LongDevFraction);
            var nTest = (int)Math.Round(n * testShare);
            if (n >= 3)
            {
                nDev = Math.Max(1, nDev);
                nTest = Math.Max(1, nTest);
            }
            var nTrain = Math.Max(0, n - nDev - nTest);
            var splits = Enumerable.Repeat("train", nTrain).Concat(Enumerable.Repeat("dev", nDev)).Concat(Enumerable.Repeat("test", nTest)).ToArray();
            new Random(SplitAssigner.DeriveSeed(config.Seed, 0, 6)).Shuffle(splits);
            foreach (var split in splits)
            {
                plans.Add(Next(firstIndex, plans.Count, split));
            }
        }
        else if (config.Clips is null)
        {
            foreach (var (split, share) in new[] { ("train", config.LongTrainFraction), ("dev", config.LongDevFraction), ("test", testShare) })
            {
                var seconds = config.Hours * config.LongFraction * share * 3600;
                for (var planned = 0.0; planned < seconds;)
                {
                    var plan = Next(firstIndex, plans.Count, split);
                    plans.Add(plan);
                    planned += plan.TargetSeconds;
                }
            }
        }
        return plans;
    }

    /// <summary>About how many seconds of long streams <paramref name="split"/> gets (sizes its utterance bank).</summary>
    public static double PlannedSeconds(SynthConfig config, string split)
    {
        var share = split switch
        {
            "train" => config.LongTrainFraction,
            "dev" => config.LongDevFraction,
            _ => Math.Max(0, 1 - config.LongTrainFraction - config.LongDevFraction),
        };
        return config.LongStreams is { } n ? n * share * (config.LongMinSeconds + config.LongMaxSeconds) / 2
            : config.Clips is null ? config.Hours * config.LongFraction * share * 3600
            : 0;
    }

    private ClipPlan Next(int firstIndex, int i, string split)
    {
        var seed = SplitAssigner.DeriveSeed(config.Seed, i, 5);
        var id = string.Create(CultureInfo.InvariantCulture, $"{config.Task.ToString().ToLowerInvariant()}-{config.Seed}-long-{i:D5}");
        return PlanOne(firstIndex + i, id, split, seed, new Random(seed), pools[split]);
    }

    private LongStreamKind PickKind(Random rng)
    {
        var u = rng.NextDouble();
        return config.Task switch
        {
            SynthTask.Onset => u < 0.45 ? LongStreamKind.Background : u < 0.9 ? LongStreamKind.BackgroundThenSpeech : LongStreamKind.Silence,
            SynthTask.Trigger => u < 0.4 ? LongStreamKind.Bystanders : u < 0.6 ? LongStreamKind.Tv : u < 0.9 ? LongStreamKind.Background : LongStreamKind.Silence,
            _ => u < 0.35 ? LongStreamKind.Speech : u < 0.55 ? LongStreamKind.Tv : u < 0.9 ? LongStreamKind.Background : LongStreamKind.Silence,
        };
    }

    private ClipPlan PlanOne(int index, string id, string split, int seed, Random rng, SplitPool pool)
    {
        var target = CorpusPlanner.Uniform(rng, config.LongMinSeconds, config.LongMaxSeconds);
        var kind = PickKind(rng);
        var items = new List<PlannedItem>();
        IReadOnlyList<RealFile> beds = [];
        NoisePlan noise;
        switch (kind)
        {
            case LongStreamKind.Silence:
                noise = new NoisePlan(null, null, 0, 0, true);
                break;
            case LongStreamKind.Background:
                // No speech: the bed's level is set against the reference speech level, from loud (music at -15 dBFS)
                // to barely there.
                (noise, beds) = Bed(rng, pool, CorpusPlanner.Uniform(rng, -5, 30), preferMusic: false);
                break;
            case LongStreamKind.Tv:
                (noise, beds) = Bed(rng, pool, CorpusPlanner.Uniform(rng, 0, 12), preferMusic: true);
                Talk(rng, pool, items, target, CorpusPlanner.Uniform(rng, 0.3, 0.6), SpeakerRole.Ambient);
                break;
            case LongStreamKind.Bystanders:
                (noise, beds) = Bed(rng, pool, CorpusPlanner.Uniform(rng, config.MinSnrDb, config.MaxSnrDb), preferMusic: false);
                Talk(rng, pool, items, target, CorpusPlanner.Uniform(rng, 0.3, 0.6), SpeakerRole.Bystander);
                break;
            case LongStreamKind.BackgroundThenSpeech:
                (noise, beds) = Bed(rng, pool, CorpusPlanner.Uniform(rng, config.MinSnrDb, config.MaxSnrDb), preferMusic: false);
                // Few items, so the renderer's spread of the slack leaves seconds of background before each.
                var count = Math.Max(2, (int)Math.Round(target / CorpusPlanner.Uniform(rng, 8, 20)));
                for (var k = 0; k < count; k++)
                {
                    var gain = CorpusPlanner.Uniform(rng, -8, 6);
                    items.Add(rng.NextDouble() < 0.6
                        ? clips.RealItem(rng, pool, gain) ?? clips.TtsItem(rng, pool, ItemKind.Sentence, SpeakerRole.Ambient, gain)
                        : clips.TtsItem(rng, pool, ItemKind.Sentence, SpeakerRole.Ambient, gain));
                }
                break;
            default:
                (noise, beds) = Bed(rng, pool, CorpusPlanner.Uniform(rng, config.MinSnrDb, config.MaxSnrDb), preferMusic: false);
                Talk(rng, pool, items, target, CorpusPlanner.Uniform(rng, 0.35, 0.7), SpeakerRole.Ambient);
                break;
        }
        var motion = config.Task == SynthTask.Trigger ? MotionProfile.Random(rng, target, false) : null;
        var type = "long-" + string.Concat(kind.ToString().Select((c, k) => k > 0 && char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
        return new ClipPlan(index, id, split, seed, type, target, items, noise, motion, new LongStream(kind, beds));
    }

    /// <summary>
    /// Speech filling about <paramref name="fill"/> of the stream: TTS sentences, confusables and real speech (in
    /// whatever languages the split's speech sources have). No keyword, except from bystanders in trigger streams,
    /// where the phrase from someone other than the wearer is a negative.
    /// </summary>
    private void Talk(Random rng, SplitPool pool, List<PlannedItem> items, double target, double fill, SpeakerRole role)
    {
        // Bystanders are a few people around the wearer; other talk comes from the split's utterance bank.
        var talkers = role == SpeakerRole.Bystander ? Enumerable.Range(0, 2 + rng.Next(3)).Select(_ => pool.PickVoice(rng)).ToList() : null;
        var spoken = 0.0;
        while (spoken < fill * target)
        {
            var u = rng.NextDouble();
            var gain = CorpusPlanner.Uniform(rng, -10, 4) + (role == SpeakerRole.Bystander ? -8 : 0);
            var voice = talkers?[rng.Next(talkers.Count)];
            var item = u < 0.4 ? clips.RealItem(rng, pool, gain) ?? clips.TtsItem(rng, pool, ItemKind.Sentence, role, gain, voice)
                : u < 0.55 ? clips.TtsItem(rng, pool, ItemKind.Confusable, role, gain, voice)
                : u < 0.6 && role == SpeakerRole.Bystander ? clips.TtsItem(rng, pool, ItemKind.Keyword, role, gain, voice)
                : clips.TtsItem(rng, pool, ItemKind.Sentence, role, gain, voice);
            items.Add(item);
            spoken += item.Real is null ? CorpusPlanner.Estimate(item) : 5;
        }
    }

    /// <summary>
    /// A background: kind of source first (noise, music, and whatever other non-speech kinds the corpus has; music for
    /// TV-like streams when the split has some), then one source of it, then up to <see cref="BedFiles"/> of its files
    /// in a seeded order without repeats;
    /// generated noise when the split has no real background (and now and then anyway, for its spectral colours).
    /// </summary>
    private (NoisePlan Noise, IReadOnlyList<RealFile> Beds) Bed(Random rng, SplitPool pool, double snrDb, bool preferMusic)
    {
        var background = Enum.GetValues<RealSourceKind>().Where(k => k != RealSourceKind.Speech).SelectMany(pool.Files).ToList();
        var kinds = background.Select(f => f.Source.Kind).Distinct().Order().ToList();
        if (preferMusic && kinds.Contains(RealSourceKind.Music))
        {
            kinds = [RealSourceKind.Music];
        }
        if (kinds.Count == 0 || rng.NextDouble() < 0.1)
        {
            var (color, gi) = pool.Generated[rng.Next(pool.Generated.Count)];
            return (new NoisePlan(null, color, gi, snrDb, false), []);
        }
        var kind = kinds[rng.Next(kinds.Count)];
        var sources = background.Where(f => f.Source.Kind == kind).Select(f => f.Source.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        var source = sources[rng.Next(sources.Count)];
        var files = background.Where(f => f.Source.Name == source).ToList();
        // A partial Fisher-Yates shuffle: the first BedFiles of a seeded permutation.
        var count = Math.Min(BedFiles, files.Count);
        for (var k = 0; k < count; k++)
        {
            var j = k + rng.Next(files.Count - k);
            (files[k], files[j]) = (files[j], files[k]);
        }
        var beds = files.GetRange(0, count);
        return (new NoisePlan(beds[0], null, 0, snrDb, false), beds);
    }
}
