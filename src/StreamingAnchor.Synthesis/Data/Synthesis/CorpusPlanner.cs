using System.Globalization;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Chooses the content of every stream from the seed: split, clip type, texts, voices, speeds, pitches, levels,
/// noise and motion. Each clip draws from its own generator (seed, index), so a clip's plan does not depend on the
/// others, on the worker count or on which clips were already written. Speaker configurations and prosody come from
/// <see cref="VoicePerturbation"/>; the keyword and its confusables are said by keyword voices only.
/// </summary>
/// <param name="confusables">Confusable negatives (<see cref="ConfusableGenerator"/>); null: the text ones only.</param>
/// <param name="keywordAccents">Accent-shaped phoneme strings of the keyword (<see cref="ConfusableGenerator.AccentVariants"/>) for <see cref="SynthConfig.KeywordAccents"/>.</param>
public sealed class CorpusPlanner(SynthConfig config, IReadOnlyDictionary<string, SplitPool> pools, IReadOnlyList<Confusable>? confusables = null,
    IReadOnlyList<string>? keywordAccents = null)
{
    private readonly IReadOnlyList<string> sentences = TextBank.SentencesAvoiding(config.Keyword);
    private readonly IReadOnlyList<Confusable> confusableList =
        confusables ?? ConfusableGenerator.For(config.Keyword, config.Confusables, config.Seed, withPhonemes: false);
    private readonly Dictionary<SplitPool, UtteranceBank> banks = [];
    private readonly AcousticPlanner acoustics = new(config);

    /// <summary>Short clips; the long negative streams (<see cref="LongStreamPlanner"/>) come after them.</summary>
    public int ClipCount => config.Clips ?? Math.Max(3, (int)Math.Ceiling(config.Hours * (1 - config.LongFraction) * 3600 / config.ClipSeconds));

    public IReadOnlyList<ClipPlan> Plan()
    {
        var n = ClipCount;
        var splits = ClipSplits(n);
        foreach (var split in SplitAssigner.Splits)
        {
            var seconds = splits.Count(s => s == split) * config.ClipSeconds + LongStreamPlanner.PlannedSeconds(config, split);
            var pool = pools[split];
            banks[pool] = new UtteranceBank(config.Seed, split, UtteranceBank.SizeFor(seconds), (rng, kind) => Utterance(rng, pool, kind, null));
        }
        var plans = new List<ClipPlan>(n);
        var prefix = config.Task.ToString().ToLowerInvariant();
        for (var i = 0; i < n; i++)
        {
            var seed = SplitAssigner.DeriveSeed(config.Seed, i, 1);
            var rng = new Random(seed);
            var pool = pools[splits[i]];
            var id = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{config.Seed}-{i:D6}");
            var plan = config.Task switch
            {
                SynthTask.Kws => PlanKws(i, id, splits[i], seed, rng, pool),
                SynthTask.Onset => PlanOnset(i, id, splits[i], seed, rng, pool),
                _ => PlanTrigger(i, id, splits[i], seed, rng, pool),
            };
            // Conditions draw from their own generator of the clip seed: the content above does not move with them.
            plans.Add(acoustics.Apply(plan, pool, new Random(SplitAssigner.DeriveSeed(seed, 0, 5)),
                (r, kind, role, gain, voice) => TtsItem(r, pool, kind, role, gain, voice), (r, gain) => RealItem(r, pool, gain)));
        }
        plans.AddRange(new LongStreamPlanner(config, pools, this).Plan(n));
        return plans;
    }

    /// <summary>Exact split counts from the fractions (dev and test get one clip each from three clips up), shuffled by seed.</summary>
    private string[] ClipSplits(int n)
    {
        var nDev = (int)Math.Round(n * config.DevFraction);
        var nTest = (int)Math.Round(n * Math.Max(0, 1 - config.TrainFraction - config.DevFraction));
        if (n >= 3)
        {
            nDev = Math.Max(1, nDev);
            nTest = Math.Max(1, nTest);
        }
        var nTrain = Math.Max(0, n - nDev - nTest);
        var list = Enumerable.Repeat("train", nTrain).Concat(Enumerable.Repeat("dev", nDev)).Concat(Enumerable.Repeat("test", nTest))
            .Take(n).ToArray();
        new Random(SplitAssigner.DeriveSeed(config.Seed, 0, 2)).Shuffle(list);
        return list;
    }

    internal static double Uniform(Random rng, double lo, double hi) => lo + (hi - lo) * rng.NextDouble();

    /// <summary>Rough spoken length used only to fill a stream to its target length.</summary>
    internal static double Estimate(PlannedItem item) =>
        item.Tts is { } r ? 0.1 + 0.33 * r.Text.Split(' ').Length / r.Speed : 2.5;

    internal PlannedItem TtsItem(Random rng, SplitPool pool, ItemKind kind, SpeakerRole role, double gainDb, Voice? voice = null)
    {
        var request = voice is null && kind is ItemKind.Sentence or ItemKind.Confusable && banks.TryGetValue(pool, out var bank)
            ? bank.Draw(rng, kind)
            : Utterance(rng, pool, kind, voice);
        return new PlannedItem(kind, request, null, role, gainDb, rng.NextDouble() < config.ReverbProbability);
    }

    /// <summary>
    /// What is said and by whom: a sentence by any voice of the split, the keyword or a confusable by a keyword voice
    /// (phoneme near misses by an English espeak voice), each in a seeded speaker configuration.
    /// </summary>
    private SpeechRequest Utterance(Random rng, SplitPool pool, ItemKind kind, Voice? voice)
    {
        if (kind == ItemKind.Keyword)
        {
            return WithAccent(VoicePerturbation.DrawWithProsody(rng, voice ?? pool.PickVoice(rng, keyword: true), config.Keyword), pool, voice is null);
        }
        // Phoneme near misses are written in English espeak mnemonics: only English espeak voices speak them.
        var phonemesOk = voice is null ? pool.PhonemeVoices.Count > 0 : SpeaksPhonemes(voice);
        var usable = kind == ItemKind.Confusable ? (phonemesOk ? confusableList : confusableList.Where(c => !c.IsPhonemes).ToList()) : [];
        if (usable.Count == 0)
        {
            return VoicePerturbation.Draw(rng, voice ?? pool.PickVoice(rng), sentences[rng.Next(sentences.Count)]);
        }
        var confusable = usable[rng.Next(usable.Count)];
        var v = voice ?? (confusable.IsPhonemes ? pool.PhonemeVoices[rng.Next(pool.PhonemeVoices.Count)] : pool.PickVoice(rng, keyword: true));
        return VoicePerturbation.DrawWithProsody(rng, v, confusable.Text, confusable.IsPhonemes) with { NearMiss = confusable.Kind };
    }

    /// <summary>
    /// The keyword as drawn, or (for a share <see cref="SynthConfig.KeywordAccents"/> of them) one of its accent-shaped
    /// phoneme strings said by an English espeak voice with the drawn speed, pitch, level and word gap. A hash of the drawn
    /// request decides, not the stream's generator, so at share 0 the corpus is the one made without the setting, and
    /// otherwise only draws that depend on the keyword's voice (a second talker is another voice) move. A voice the
    /// caller fixed is kept (and then only an English espeak one changes).
    /// </summary>
    private SpeechRequest WithAccent(SpeechRequest request, SplitPool pool, bool voiceFree)
    {
        if (keywordAccents is not { Count: > 0 } accents || (voiceFree ? pool.PhonemeVoices.Count == 0 : !SpeaksPhonemes(request.Voice)))
        {
            return request;
        }
        var h = SplitAssigner.Fnv1a(FormattableString.Invariant(
            $"{config.Seed}|{request.Voice.Id}|{request.Speed}|{request.Pitch}|{request.Amplitude}|{request.WordGap}|{request.EmphasizedWord}|{request.Text}"));
        if (h % 10_000 >= config.KeywordAccents * 10_000)
        {
            return request;
        }
        var v = voiceFree ? pool.PhonemeVoices[(int)(h / 10_000 % (uint)pool.PhonemeVoices.Count)] : request.Voice;
        var text = accents[(int)(SplitAssigner.Fnv1a($"{h}|accent") % (uint)accents.Count)];
        return new SpeechRequest(v, text, request.Speed, request.Pitch, v.Engine == request.Voice.Engine ? request.Amplitude : 100, request.WordGap,
            timbre: 1.0, isPhonemes: true);
    }

    private static bool SpeaksPhonemes(Voice voice) =>
        voice.Engine == TtsEngineKind.Espeak && voice.Language is { } language && VoiceCatalog.IsEnglish(language);

    internal PlannedItem? RealItem(Random rng, SplitPool pool, double gainDb) =>
        pool.Pick(RealSourceKind.Speech, rng) is not { } file
            ? null
            : new PlannedItem(ItemKind.RealSpeech, null, file, SpeakerRole.Ambient, gainDb, rng.NextDouble() < config.ReverbProbability);

    internal NoisePlan Noise(Random rng, SplitPool pool, bool allowSilent)
    {
        var snr = Uniform(rng, config.MinSnrDb, config.MaxSnrDb);
        if (allowSilent && rng.NextDouble() < 0.25)
        {
            return new NoisePlan(null, null, 0, snr, true);
        }
        if (pool.Noise.Count + pool.Music.Count > 0 && rng.NextDouble() < 0.7)
        {
            // A recorded bed: music 40 % of the time when the split has both, else ambience and effects.
            var kind = pool.Music.Count == 0 ? RealSourceKind.Noise
                : pool.Noise.Count == 0 || rng.NextDouble() < 0.4 ? RealSourceKind.Music : RealSourceKind.Noise;
            return new NoisePlan(pool.Pick(kind, rng), null, 0, snr, false);
        }
        var (color, index) = pool.Generated[rng.Next(pool.Generated.Count)];
        return new NoisePlan(null, color, index, snr, false);
    }

    private ClipPlan PlanKws(int index, string id, string split, int seed, Random rng, SplitPool pool)
    {
        var target = config.ClipSeconds * Uniform(rng, 0.75, 1.25);
        var positive = rng.NextDouble() < config.PositiveFraction;
        var items = new List<PlannedItem>();
        if (positive)
        {
            var count = rng.NextDouble() < 0.2 ? 2 : 1;
            for (var k = 0; k < count; k++)
            {
                items.Add(TtsItem(rng, pool, ItemKind.Keyword, SpeakerRole.Ambient, Uniform(rng, -6, 6)));
            }
        }
        else if (rng.NextDouble() < 0.7)
        {
            items.Add(TtsItem(rng, pool, ItemKind.Confusable, SpeakerRole.Ambient, Uniform(rng, -6, 6)));
        }
        while (items.Sum(Estimate) < 0.45 * target)
        {
            var u = rng.NextDouble();
            var gain = Uniform(rng, -10, 4);
            var item = u < 0.3 ? TtsItem(rng, pool, ItemKind.Confusable, SpeakerRole.Ambient, gain)
                : u < 0.7 ? TtsItem(rng, pool, ItemKind.Sentence, SpeakerRole.Ambient, gain)
                : RealItem(rng, pool, gain) ?? TtsItem(rng, pool, ItemKind.Sentence, SpeakerRole.Ambient, gain);
            items.Add(item);
        }
        rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(items));
        return new ClipPlan(index, id, split, seed, positive ? "positive" : "negative", target, items, Noise(rng, pool, false), null);
    }

    private ClipPlan PlanOnset(int index, string id, string split, int seed, Random rng, SplitPool pool)
    {
        var target = config.ClipSeconds * Uniform(rng, 0.75, 1.25);
        var items = new List<PlannedItem>();
        while (items.Count < 1 || items.Sum(Estimate) < 0.4 * target)
        {
            var gain = Uniform(rng, -8, 6);
            var item = rng.NextDouble() < 0.7
                ? TtsItem(rng, pool, ItemKind.Sentence, SpeakerRole.Ambient, gain)
                : RealItem(rng, pool, gain) ?? TtsItem(rng, pool, ItemKind.Sentence, SpeakerRole.Ambient, gain);
            items.Add(item);
            if (items.Count >= 6)
            {
                break;
            }
        }
        return new ClipPlan(index, id, split, seed, "speech", target, items, Noise(rng, pool, true), null);
    }

    private ClipPlan PlanTrigger(int index, string id, string split, int seed, Random rng, SplitPool pool)
    {
        var target = config.ClipSeconds * Uniform(rng, 0.75, 1.25);
        var wearer = pool.PickVoice(rng, keyword: true);
        var other = pool.PickVoice(rng, wearer, keyword: true);
        var u = rng.NextDouble();
        var type = u < config.PositiveFraction ? "positive"
            : u < config.PositiveFraction + (1 - config.PositiveFraction) * 0.3 ? "bystander"
            : u < config.PositiveFraction + (1 - config.PositiveFraction) * 0.5 ? "loudspeaker"
            : u < config.PositiveFraction + (1 - config.PositiveFraction) * 0.75 ? "wearer-other"
            : "motion";
        var items = new List<PlannedItem>();
        PlannedItem Wearer(ItemKind kind) => TtsItem(rng, pool, kind, SpeakerRole.Wearer, Uniform(rng, 0, 6), wearer) with { Reverb = false };
        PlannedItem Bystander(ItemKind kind) => TtsItem(rng, pool, kind, SpeakerRole.Bystander, Uniform(rng, -15, -5), other);
        switch (type)
        {
            case "positive":
                items.Add(Wearer(ItemKind.Keyword));
                break;
            case "bystander":
                items.Add(Bystander(ItemKind.Keyword));
                break;
            case "loudspeaker":
                items.Add(TtsItem(rng, pool, ItemKind.Keyword, SpeakerRole.Loudspeaker, Uniform(rng, -12, 0), other));
                break;
            case "wearer-other":
                items.Add(Wearer(rng.NextDouble() < 0.5 ? ItemKind.Confusable : ItemKind.Sentence));
                break;
        }
        // Other talk around the phrase; motion-only negatives keep the wearer silent.
        if (type != "motion" && rng.NextDouble() < 0.4)
        {
            items.Add(Wearer(ItemKind.Sentence));
        }
        if (rng.NextDouble() < 0.4)
        {
            items.Add(Bystander(ItemKind.Sentence));
        }
        rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(items));
        var motion = MotionProfile.Random(rng, target, type == "motion");
        return new ClipPlan(index, id, split, seed, type, target, items, Noise(rng, pool, false), motion);
    }
}
