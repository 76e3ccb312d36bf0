using StreamingAnchor.Audio;

namespace StreamingAnchor.Data;

/// <summary>
/// Turns a <see cref="TrainingUnit"/> into a <see cref="FrameExample"/>: crops, augments (docs/data.md,
/// "Augmentation"), re-derives targets and anchors by applying the task rule to the clip's events mapped into the
/// unit's time axis, and normalises. Thread-safe: each call uses its own RNG and a per-thread extractor.
/// </summary>
internal sealed class ExampleMaker
{
    private readonly IReadOnlyList<DatasetClip> _clips;
    private readonly DatasetOptions _options;
    private readonly FeatureNormalizer _normalizer;
    private readonly NoiseBank? _noise;
    private readonly ThreadLocal<FbankExtractor> _extractor;

    public ExampleMaker(IReadOnlyList<DatasetClip> clips, DatasetOptions options, FeatureNormalizer normalizer, NoiseBank? noise)
    {
        _clips = clips;
        _options = options;
        _normalizer = normalizer;
        _noise = noise;
        _extractor = new ThreadLocal<FbankExtractor>(() => new FbankExtractor(options.Fbank));
    }

    public FrameExample Make(TrainingUnit unit, AugmentOptions? augment, Random rng)
    {
        var clip = _clips[unit.ClipIndex];
        var fb = _options.Fbank;
        var melDim = fb.MelBins;
        var dim = clip.Dim;

        // Draw every random number in a fixed order, used or not, so one option never shifts another's draws.
        var a = augment ?? AugmentOptions.None;
        var speedDraw = rng.NextDouble();
        var speedValue = a.SpeedMin + (rng.NextDouble() * (a.SpeedMax - a.SpeedMin));
        var noiseDraw = rng.NextDouble();
        var snr = a.SnrMinDb + (rng.NextDouble() * (a.SnrMaxDb - a.SnrMinDb));
        var gainDraw = rng.NextDouble();
        var gainDb = a.GainMinDb + (rng.NextDouble() * (a.GainMaxDb - a.GainMinDb));
        var shift = a.MaxShiftFrames > 0 ? rng.Next(-a.MaxShiftFrames, a.MaxShiftFrames + 1) : 0;

        var useSpeed = speedDraw < a.SpeedProbability && speedValue != 1.0;
        var useNoise = _noise is not null && noiseDraw < a.NoiseProbability;
        var speed = 1.0;
        float[] data;
        int frames;
        if (useSpeed || useNoise)
        {
            var fromRate = useSpeed ? (int)Math.Round(fb.SampleRate * speedValue) : fb.SampleRate;
            speed = (double)fromRate / fb.SampleRate;
            var first = (long)unit.Start * fb.HopSamples;
            var needed = ((long)(unit.Length - 1) * fb.HopSamples) + fb.WindowSamples;
            var segment = ReadSegment(clip.AudioPath, fb.SampleRate, first, (long)Math.Ceiling(needed * speed) + fb.HopSamples);
            if (useSpeed)
            {
                segment = Resampler.Resample(segment, fromRate, fb.SampleRate);
            }
            if (useNoise)
            {
                _noise!.Mix(segment, snr, rng);
            }
            var mel = _extractor.Value!.Compute(segment);
            frames = Math.Min(mel.Frames, unit.Length);
            data = new float[frames * dim];
            var source = dim > melDim ? new float[dim] : [];
            for (var t = 0; t < frames; t++)
            {
                mel.Row(t).CopyTo(data.AsSpan(t * dim, melDim));
                if (dim > melDim)
                {
                    // Extra streams follow the stretched time axis by nearest source frame.
                    clip.ReadFrames(Math.Min(clip.Frames - 1, unit.Start + (int)Math.Round(t * speed)), source);
                    source.AsSpan(melDim).CopyTo(data.AsSpan((t * dim) + melDim, dim - melDim));
                }
            }
        }
        else
        {
            frames = unit.Length;
            data = new float[frames * dim];
            clip.ReadFrames(unit.Start, data);
        }

        if (gainDraw < a.GainProbability)
        {
            // Power scales by 10^(dB/10): the natural-log mel energies move by dB/10 * ln 10.
            var delta = (float)(gainDb / 10 * Math.Log(10));
            for (var t = 0; t < frames; t++)
            {
                var row = data.AsSpan(t * dim, melDim);
                for (var d = 0; d < row.Length; d++)
                {
                    row[d] += delta;
                }
            }
        }

        if (shift < 0)
        {
            shift = -Math.Min(-shift, frames - 1);
            data = data[(-shift * dim)..];
            frames += shift;
        }
        else if (shift > 0)
        {
            var shifted = new float[(frames + shift) * dim];
            for (var t = 0; t < shift; t++)
            {
                Array.Copy(data, 0, shifted, t * dim, dim);
            }
            Array.Copy(data, 0, shifted, shift * dim, data.Length);
            data = shifted;
            frames += shift;
        }

        var features = new FeatureMatrix(data, frames, dim);
        var offsetSeconds = (double)unit.Start * fb.HopSamples / fb.SampleRate;
        var shiftSeconds = (double)shift * fb.HopSamples / fb.SampleRate;
        double Map(double t) => ((t - offsetSeconds) / speed) + shiftSeconds;
        var mapped = clip.Entry with
        {
            Duration = Math.Max(1e-6, Map(clip.Entry.Duration)),
            Events = clip.Entry.Events.Select(e => e with { Start = Map(e.Start), End = Map(e.End) }).ToList(),
            Anchors = clip.Entry.Anchors?.Select(Map).ToList(),
        };
        var labels = _options.Rule.Apply(mapped, frames);

        // The masks' draws come before the warp's so that adding the warp left every earlier option's draws unchanged.
        var masks = PlanMasks(frames, melDim, a, rng);
        var warpDraw = rng.NextDouble();
        var warpValue = a.WarpMin + (rng.NextDouble() * (a.WarpMax - a.WarpMin));
        if (warpDraw < a.WarpProbability && warpValue != 1.0)
        {
            // Before normalisation: the warp moves energy between bins, whose means and spreads differ.
            var warp = MelWarp.For(fb, warpValue);
            var scratch = new float[melDim];
            for (var t = 0; t < frames; t++)
            {
                warp.Apply(features.Row(t)[..melDim], scratch);
            }
        }
        _normalizer.ApplyInPlace(features);
        ApplyMasks(features, masks);
        var id = unit.Whole ? clip.Id : $"{clip.Id}@{unit.Start}";
        var clock = _options.Rule.Clock;
        return new FrameExample(id, features, labels.Targets, labels.Anchors)
        {
            NearMissAnchors = [.. clip.NearMissEnds.Select(end => clock.TimeToFrame(Map(end)))],
        };
    }

    /// <summary>
    /// Samples [first, first + count) of a recording at <paramref name="rate"/>, cut short at its end. A file already
    /// at that rate is read by range: a window of a long negative stream then costs the window, not the stream.
    /// </summary>
    internal static float[] ReadSegment(string path, int rate, long first, long count)
    {
        var info = WavFile.ReadInfo(path);
        if (info.SampleRate == rate)
        {
            return WavFile.ReadRange(path, Math.Min(first, info.Frames), (int)Math.Clamp(info.Frames - first, 0, count)).Samples;
        }
        var audio = WavFile.Read(path, rate).Samples;
        var take = (int)Math.Clamp(audio.Length - first, 0, count);
        return take == 0 ? [] : audio.AsSpan((int)first, take).ToArray();
    }

    /// <summary>SpecAugment's masks: frame ranges then bin ranges, (start, width), drawn in that order.</summary>
    private static (List<(int Start, int Width)> Frames, List<(int Start, int Width)> Bins) PlanMasks(int frames, int melDim, AugmentOptions a, Random rng)
    {
        var frameMasks = new List<(int, int)>();
        for (var k = 0; k < a.TimeMasks; k++)
        {
            var width = rng.Next(0, a.TimeMaskMaxFrames + 1);
            frameMasks.Add((rng.Next(0, Math.Max(1, frames - width + 1)), width));
        }
        var binMasks = new List<(int, int)>();
        for (var k = 0; k < a.FreqMasks; k++)
        {
            var width = rng.Next(0, Math.Min(a.FreqMaskMaxBins, melDim) + 1);
            binMasks.Add((rng.Next(0, melDim - width + 1), width));
        }
        return (frameMasks, binMasks);
    }

    /// <summary>Sets the planned frames and mel bins to 0, the normalised mean.</summary>
    private static void ApplyMasks(FeatureMatrix m, (List<(int Start, int Width)> Frames, List<(int Start, int Width)> Bins) masks)
    {
        foreach (var (t0, width) in masks.Frames)
        {
            for (var t = t0; t < Math.Min(m.Frames, t0 + width); t++)
            {
                m.Row(t).Clear();
            }
        }
        foreach (var (f0, width) in masks.Bins)
        {
            for (var t = 0; t < m.Frames; t++)
            {
                m.Row(t).Slice(f0, width).Clear();
            }
        }
    }
}
