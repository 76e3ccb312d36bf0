using System.Globalization;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Turns a plan into a stream. Each item's cut speech is levelled (RMS over its speech span), optionally coloured
/// (loudspeaker) and reverberated (a simulated room, or sox reverb), and placed with random gaps (or the planned
/// 0-50 ms run-on, or over the keyword); its label is its speech span at the placement offset, so labels are exact
/// by construction. The layout depends on the dry lengths only and effect settings draw from a generator of their
/// own, so a stream rendered with other acoustic conditions has the same events and anchors. Noise (and babble)
/// cover the whole stream at the planned SNR; the mix passes the channel, is brought to its planned peak level, and
/// gets a pink floor at -60..-50 dBFS, so no stretch of the stream is digital silence.
/// </summary>
public sealed class ClipRenderer(SynthConfig config, TtsCache tts, SourceFetcher? sources)
{
    /// <summary>Speech level at 0 dB item gain, dBFS (RMS over the speech span).</summary>
    public const double ReferenceLevelDb = -20;

    /// <summary>Longest real-speech excerpt, seconds.</summary>
    public const double MaxRealSeconds = 8;

    /// <summary>Real speech recordings longer than this (seconds) are read as a random stretch of this length.</summary>
    private const double LongRealSeconds = 20;

    public static string EventLabel(SynthTask task) => task switch
    {
        SynthTask.Kws => "keyword",
        SynthTask.Onset => "speech",
        _ => "trigger",
    };

    public RenderedClip Render(ClipPlan plan, CancellationToken cancellationToken)
    {
        var rng = new Random(plan.Seed);
        const int rate = SpeechCut.Rate;

        var effects = new Random(SplitAssigner.DeriveSeed(plan.Seed, 0, 4));
        var acoustics = plan.Acoustics;
        var room = acoustics.Room;

        // Speech items, levelled and with their effects; the span [Margin, Margin + speech) of the dry audio is the
        // label, and the wet audio (the same length plus a reverberant tail) keeps it in place.
        var prepared = new List<(int Index, PlannedItem Item, float[] Dry, float[] Audio, int SpeechStart, int SpeechLength)>();
        for (var index = 0; index < plan.Items.Count; index++)
        {
            var item = plan.Items[index];
            var dry = Levelled(item, rng, cancellationToken);
            var speechLength = dry.Length - 2 * SpeechCut.Margin;
            if (speechLength <= 0)
            {
                continue;
            }
            var audio = dry;
            if (item.Role == SpeakerRole.Loudspeaker)
            {
                audio = SoxEffects.Loudspeaker(audio, cancellationToken);
            }
            var reverb = item.Reverb || item.Role == SpeakerRole.Loudspeaker || (item.Role == SpeakerRole.Bystander && effects.NextDouble() < 0.7);
            if (room is not null)
            {
                var rir = RoomImpulseResponse.Generate(room, room.Sources[index], SplitAssigner.DeriveSeed(room.Seed, index, 6));
                audio = FftConvolution.Convolve(audio, rir, audio.Length + rir.Length - 1);
            }
            else if (reverb)
            {
                audio = SoxEffects.Reverb(audio, 20 + 70 * effects.NextDouble(), 20 + 60 * effects.NextDouble(), 30 + 70 * effects.NextDouble(),
                    -6 * effects.NextDouble(), 0.6, cancellationToken);
            }
            prepared.Add((index, item, dry, audio, SpeechCut.Margin, speechLength));
        }

        // Layout: lead, items with gaps, tail. The cursor advances by the dry length; reverb tails overlap the gap
        // (and are cut at the stream end). Streams shorter than their target get the slack as extra lead (random)
        // and tail, so positives do not always sit at the start. An overlapping talker takes no turn of its own.
        var onset = config.Task == SynthTask.Onset;
        var meanGap = onset ? 1.4 : 0.75;
        var overlapIndex = acoustics.Overlap?.ItemIndex ?? -1;
        var content = prepared.Where(p => p.Index != overlapIndex).Sum(p => (double)p.Dry.Length / rate + meanGap) + (onset ? 1.5 : 0.9) + 0.75;
        var slack = Math.Max(0, plan.TargetSeconds - content);
        // A long stream spreads its slack over the lead and every gap (stretches of background between talk).
        var spread = plan.Long is not null ? LongStreamLayout.Spread(slack, prepared.Count, rng) : null;
        var cursor = (int)(rate * ((onset ? 0.5 + 2.0 * rng.NextDouble() : 0.3 + 1.2 * rng.NextDouble()) + (spread?[0] ?? slack * rng.NextDouble())));
        var offsets = new int[prepared.Count];
        var end = 0;
        for (var k = 0; k < prepared.Count; k++)
        {
            var p = prepared[k];
            if (p.Index == overlapIndex)
            {
                continue;
            }
            offsets[k] = cursor;
            end = Math.Max(end, cursor + p.Dry.Length);
            var gap = (int)(rate * (onset ? 0.6 + 1.6 * rng.NextDouble() : 0.3 + 0.9 * rng.NextDouble()));
            if (acoustics.GapAfter.TryGetValue(p.Index, out var runOn))
            {
                // Speech to speech: this item's end margin, the gap, the next item's start margin.
                gap = (int)Math.Round(runOn * rate) - 2 * SpeechCut.Margin;
            }
            cursor += p.SpeechStart + p.SpeechLength + SpeechCut.Margin + gap + (spread is null ? 0 : (int)(rate * spread[k + 1]));
        }
        var over = prepared.FindIndex(p => p.Index == overlapIndex);
        var under = prepared.FindIndex(p => p.Index == acoustics.Overlap?.TargetIndex);
        if (over >= 0)
        {
            offsets[over] = under < 0 ? cursor
                : Math.Max(0, offsets[under] + prepared[under].SpeechStart - prepared[over].SpeechStart + (int)Math.Round(acoustics.Overlap!.StartSeconds * rate));
            end = Math.Max(end, offsets[over] + prepared[over].Dry.Length);
        }
        var total = Math.Max(end, cursor) + (int)(rate * (0.5 + 0.5 * rng.NextDouble()));
        total = Math.Max(total, (int)(rate * plan.TargetSeconds));

        var speech = new float[total];
        var keywordLayer = new float[total];
        var wearerLayer = new float[total];
        var segments = new List<PlacedSegment>();
        double speechEnergy = 0;
        long speechSamples = 0;
        for (var k = 0; k < prepared.Count; k++)
        {
            var (_, item, dry, audio, speechStart, speechLength) = prepared[k];
            var offset = offsets[k];
            for (var i = 0; i < Math.Min(audio.Length, total - offset); i++)
            {
                speech[offset + i] += audio[i];
            }
            var isLabel = item.Kind == ItemKind.Keyword && item.Role is SpeakerRole.Ambient or SpeakerRole.Wearer;
            if (isLabel)
            {
                for (var i = 0; i < dry.Length; i++)
                {
                    keywordLayer[offset + i] += dry[i];
                }
            }
            if (item.Role == SpeakerRole.Wearer)
            {
                for (var i = 0; i < dry.Length; i++)
                {
                    wearerLayer[offset + i] += dry[i];
                }
            }
            var span = audio.AsSpan(speechStart, speechLength);
            foreach (var v in span)
            {
                speechEnergy += v * v;
            }
            speechSamples += speechLength;
            segments.Add(new PlacedSegment(item, offset + speechStart, offset + speechStart + speechLength));
        }

        // Noise bed at the planned SNR against the mean speech level (or the reference level when nobody speaks).
        var speechRms = speechSamples > 0 ? Math.Sqrt(speechEnergy / speechSamples) : Math.Pow(10, ReferenceLevelDb / 20);
        var mix = new float[total];
        if (!plan.Noise.Silent)
        {
            var bed = (plan.Long is { Beds.Count: > 0 } l && sources is not null ? BackgroundBed.Sequence(l.Beds, total, rng, sources, cancellationToken) : null)
                ?? NoiseBed(plan.Noise, total, rng, cancellationToken);
            var target = speechRms / Math.Pow(10, plan.Noise.SnrDb / 20);
            var bedRms = Rms(bed);
            var g = bedRms > 0 ? (float)(target / bedRms) : 0f;
            for (var i = 0; i < total; i++)
            {
                mix[i] = bed[i] * g;
            }
        }
        if (acoustics.Babble is { } babblePlan)
        {
            var excerpts = new Random(babblePlan.Seed);
            var babble = Babble.Render(babblePlan, item => Levelled(item, excerpts, cancellationToken), total);
            if (room is not null)
            {
                babble = FftConvolution.Convolve(babble, RoomImpulseResponse.Generate(room, room.BabbleSource,
                    SplitAssigner.DeriveSeed(room.Seed, plan.Items.Count, 6)), total);
            }
            var babbleRms = Rms(babble);
            var g = babbleRms > 0 ? (float)(speechRms / Math.Pow(10, babblePlan.SnrDb / 20) / babbleRms) : 0f;
            for (var i = 0; i < total; i++)
            {
                mix[i] += babble[i] * g;
            }
        }
        for (var i = 0; i < total; i++)
        {
            mix[i] += speech[i];
        }

        // The channel carries the whole mix; the stream's level is set after it, and the floor (the recording
        // device's own noise) comes last.
        var channel = CodecChannel.Unavailable(acoustics.Channel.Kind) is null ? acoustics.Channel : new ChannelPlan(ChannelKind.Telephone, 0);
        if (channel.Kind != ChannelKind.None)
        {
            mix = CodecChannel.Apply(mix, channel, cancellationToken);
        }
        var ceiling = 0.95f;
        if (acoustics.GainDbfs is { } gainDbfs)
        {
            var mixPeak = mix.Max(Math.Abs);
            var scale = mixPeak > 0 ? (float)(Math.Pow(10, gainDbfs / 20) / mixPeak) : 1f;
            for (var i = 0; i < total; i++)
            {
                mix[i] *= scale;
                keywordLayer[i] *= scale;
            }
            ceiling = 0.999f;
        }
        var floorDb = -60 + 10 * rng.NextDouble();
        var floor = NoiseGenerator.Generate(NoiseColor.Pink, total, SplitAssigner.DeriveSeed(plan.Seed, 0, 3), Math.Pow(10, floorDb / 20));
        for (var i = 0; i < total; i++)
        {
            mix[i] += floor[i];
        }
        var peak = 0f;
        foreach (var v in mix)
        {
            peak = Math.Max(peak, Math.Abs(v));
        }
        if (peak > ceiling)
        {
            var scale = ceiling / peak;
            for (var i = 0; i < total; i++)
            {
                mix[i] *= scale;
                keywordLayer[i] *= scale;
                wearerLayer[i] *= scale;
            }
        }

        Audio.FeatureMatrix? accel = null;
        if (config.Task == SynthTask.Trigger)
        {
            var motion = plan.Motion ?? MotionProfile.Random(rng, total / (double)rate, false);
            accel = AccelerometerSimulator.Simulate(wearerLayer, motion, 0.3 + 0.3 * rng.NextDouble(), rng);
        }

        var entry = Entry(plan, total, segments, floorDb, channel);
        return new RenderedClip(mix, keywordLayer, wearerLayer, segments, accel, entry);
    }

    private ManifestEntry Entry(ClipPlan plan, int total, IReadOnlyList<PlacedSegment> segments, double floorDb, ChannelPlan channel)
    {
        var label = EventLabel(config.Task);
        var labelled = segments.Where(s => config.Task == SynthTask.Onset
            || (s.Item.Kind == ItemKind.Keyword && s.Item.Role is SpeakerRole.Ambient or SpeakerRole.Wearer)).ToList();
        var events = labelled.Select(s => new ManifestEvent(label, s.StartSeconds, s.EndSeconds)).ToList();
        var anchors = config.Task == SynthTask.Onset
            ? labelled.Select(s => s.StartSeconds).ToList()
            : labelled.Select(s => s.EndSeconds).ToList();
        var inv = CultureInfo.InvariantCulture;
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["task"] = config.Task.ToString().ToLowerInvariant(),
            ["type"] = plan.ClipType,
            ["voices"] = string.Join(',', plan.Items.Concat(plan.Acoustics.ExtraItems).Select(i => i.VoiceId).Distinct().Order(StringComparer.Ordinal)),
            ["speakers"] = string.Join(',', plan.Items.Concat(plan.Acoustics.ExtraItems).Select(i => i.Speaker).Distinct().Order(StringComparer.Ordinal)),
            ["noise"] = plan.Noise.Id,
            // The Debian packages heard in the stream: splits are disjoint by package (SplitPool.PlaceSources).
            ["packages"] = string.Join(',', plan.Items.Select(i => i.Real?.Source.Package).Append(plan.Noise.Real?.Source.Package)
                .OfType<string>().Distinct().Order(StringComparer.Ordinal)),
            ["snr_db"] = plan.Noise.Silent ? "inf" : plan.Noise.SnrDb.ToString("F1", inv),
            ["floor_dbfs"] = floorDb.ToString("F1", inv),
            ["texts"] = string.Join('|', plan.Items.Select(i => i.Tts?.Text ?? i.Real!.Id)),
            ["speech_seconds"] = (segments.Sum(s => (double)(s.End - s.Start)) / SpeechCut.Rate).ToString("F2", inv),
            ["bed"] = plan.Noise.Silent ? "none" : plan.Noise.Real?.Source.Kind.ToString().ToLowerInvariant() ?? "generated",
            ["packages"] = string.Join(',', plan.Items.Where(i => i.Real is not null).Select(i => i.Real!.Source.Package)
                .Concat((plan.Long?.Beds ?? []).Append(plan.Noise.Real).OfType<RealFile>().Select(f => f.Source.Package))
                .Distinct().Order(StringComparer.Ordinal)),
        };
        if (config.Task != SynthTask.Onset)
        {
            meta["keyword"] = TextBank.CleanText(config.Keyword);
            // Who said the labelled keywords (the "voices" key lists every voice in the stream), so an evaluation can
            // tally misses by voice.
            if (labelled.Count > 0)
            {
                meta[StreamConditions.KeywordVoicesMetaKey] = string.Join(',', labelled.Select(s => s.Item.VoiceId).Distinct().Order(StringComparer.Ordinal));
            }
            // Where the near misses are, so an evaluation can report false alarms on them apart from the rest.
            var nearMisses = segments.Where(s => s.Item.Kind == ItemKind.Confusable).OrderBy(s => s.Start).ToList();
            if (nearMisses.Count > 0)
            {
                meta[NearMissSpan.MetaKey] = NearMissSpan.Format(nearMisses.Select(s => new NearMissSpan(s.StartSeconds, s.EndSeconds)));
                // And of which kind, span by span. A confusable item without one is a sentence said in its place (no
                // confusable suits the voice): other text, so a phrase.
                meta[NearMissSpan.KindMetaKey] = NearMissSpan.FormatKinds(nearMisses.Select(s => s.Item.Tts?.NearMiss ?? NearMissKind.Phrase));
            }
        }
        plan.Acoustics.Describe(meta, channel);
        var phrase = segments.FirstOrDefault(s => s.Item.Kind == ItemKind.Keyword && s.Item.Role is SpeakerRole.Bystander or SpeakerRole.Loudspeaker);
        if (phrase is not null)
        {
            meta["phrase_start"] = phrase.StartSeconds.ToString("R", inv);
            meta["phrase_end"] = phrase.EndSeconds.ToString("R", inv);
        }
        return new ManifestEntry
        {
            Id = plan.Id,
            Audio = $"audio/{plan.Split}/{plan.Id}.wav",
            Duration = (double)total / SpeechCut.Rate,
            Split = plan.Split,
            Events = events,
            Anchors = anchors.Count > 0 ? anchors : null,
            Streams = config.Task == SynthTask.Trigger
                ? new Dictionary<string, string> { ["accel"] = $"streams/{plan.Split}/{plan.Id}.accel.npy" }
                : null,
            Meta = meta,
        };
    }

    /// <summary>An item's cut speech at its planned level (RMS of the speech span); empty when there is no speech.</summary>
    private float[] Levelled(PlannedItem item, Random rng, CancellationToken cancellationToken)
    {
        var cut = item.Tts is { } request ? tts.Load(request) : LoadReal(item.Real!, rng, cancellationToken);
        var speechLength = cut.Length - 2 * SpeechCut.Margin;
        if (speechLength <= 0)
        {
            return [];
        }
        var level = Rms(cut.AsSpan(SpeechCut.Margin, speechLength));
        var gain = level > 0 ? (float)(Math.Pow(10, (ReferenceLevelDb + item.GainDb) / 20) / level) : 0f;
        return cut.Select(v => v * gain).ToArray();
    }

    private float[] LoadReal(RealFile file, Random rng, CancellationToken cancellationToken)
    {
        if (sources is null)
        {
            throw new SynthesisException($"{file.FullPath}: real sources are not enabled");
        }
        float[] x;
        try
        {
            // A long recording (a lecture, a whole scene) gives a random excerpt read on its own; short ones are read whole.
            var frames = sources.Frames(file, cancellationToken);
            x = frames > LongRealSeconds * SpeechCut.Rate
                ? sources.LoadStretch(file, rng.Next(frames - (int)(LongRealSeconds * SpeechCut.Rate)), (int)(LongRealSeconds * SpeechCut.Rate), cancellationToken)
                : sources.Load(file, cancellationToken);
        }
        catch (SynthesisException)
        {
            return []; // undecodable recording: the item is dropped, deterministically
        }
        var (start, end) = SpeechCut.EnergyBounds(x, SpeechCut.Rate, 40);
        end = Math.Min(end, start + (int)(MaxRealSeconds * SpeechCut.Rate));
        if (end - start < SpeechCut.Rate / 20)
        {
            return [];
        }
        return SpeechCut.Cut(new Audio.AudioClip(x, SpeechCut.Rate), start, end);
    }

    private float[] NoiseBed(NoisePlan noise, int total, Random rng, CancellationToken cancellationToken)
    {
        float[]? bed = null;
        if (noise.Real is { } file && sources is not null)
        {
            try
            {
                // Only the stretch this stream needs is read from the decoded file (from a random frame, looping at
                // the end): a five-minute track costs a stream's worth of memory, not the track's.
                var frames = sources.Frames(file, cancellationToken);
                bed = frames > 0 ? sources.LoadStretch(file, rng.Next(frames), total, cancellationToken) : null;
            }
            catch (SynthesisException)
            {
                // An undecodable noise file falls back to generated noise; the same file fails the same way on every
                // run, so the output stays deterministic.
                bed = null;
            }
        }
        if (bed is null || Rms(bed) < 1e-5)
        {
            var color = noise.Color ?? NoiseColor.Pink;
            return NoiseGenerator.Generate(color, total, SplitAssigner.DeriveSeed(rng.Next(), noise.GeneratedIndex, (int)color));
        }
        return bed;
    }

    /// <summary>Root mean square of a span (0 when empty): the level every item, bed and babble is set by.</summary>
    internal static double Rms(ReadOnlySpan<float> x)
    {
        if (x.Length == 0)
        {
            return 0;
        }
        double e = 0;
        foreach (var v in x)
        {
            e += v * v;
        }
        return Math.Sqrt(e / x.Length);
    }
}
