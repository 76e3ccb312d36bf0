using StreamingAnchor.Anchors;

namespace StreamingAnchor.Data;

/// <summary>
/// The epoch plan of <see cref="FeatureDataset.Plan"/> with <see cref="BatchOptions.Sampler"/> set: every batch holds
/// <see cref="SamplerOptions.RowsPerBatch"/> windows of each <see cref="ExampleKind"/>, drawn from one deck per kind.
/// A deck is one pass over the split's windows of that kind, shuffled, and dealt again (new crops, new order) when
/// used up: positives are one crop per anchor, the anchor placed at random between the window's middle and
/// min(W/4, 30) frames before its end (context before the keyword, room for the frames after it); negatives are the
/// clips' random crops (ceil(frames / W) per clip and pass, or sliding windows) that hold no anchor, so long streams give
/// many. With <see cref="SamplerOptions.NearMissWindows"/> a confusable clip with marked near misses gives one crop per
/// near miss instead, its end placed as a positive's anchor is, so every such window holds its near miss. Each deck
/// draws from its own generator seeded by (seed, epoch, kind): the same seed and epoch always give the same batches.
/// Length bucketing sorts each kind's draw for a pool of batches by length before dealing it out.
/// </summary>
internal static class BalancedSampler
{
    public static List<TrainingUnit[]> Plan(IReadOnlyList<DatasetClip> clips, BatchOptions options, FrameClock clock, int epoch)
    {
        var sampler = options.Sampler ?? throw new ArgumentException("the balanced sampler needs BatchOptions.Sampler");
        sampler.Validate();
        var decks = Decks(clips, options, clock, epoch);
        var rows = sampler.RowsPerBatch(options.BatchSize, decks.Where(d => d.Any).Select(d => d.Kind).ToHashSet());
        var windows = sampler.EpochWindows ?? PlainWindows(clips, options);
        var batchCount = Math.Max(1, (windows + options.BatchSize - 1) / options.BatchSize);
        var pool = options.BucketPoolBatches > 0 ? options.BucketPoolBatches : batchCount;
        var batches = new List<TrainingUnit[]>(batchCount);
        for (var first = 0; first < batchCount; first += pool)
        {
            var n = Math.Min(pool, batchCount - first);
            var group = Enumerable.Range(0, n).Select(_ => new List<TrainingUnit>(options.BatchSize)).ToArray();
            foreach (var deck in decks)
            {
                var count = rows[(int)deck.Kind];
                if (count == 0)
                {
                    continue;
                }
                var drawn = Enumerable.Range(0, count * n).Select(_ => deck.Next()).ToList();
                if (options.BucketPoolBatches > 0)
                {
                    // Stable: equal lengths keep their dealing order.
                    drawn = drawn.Select((u, i) => (u, i)).OrderBy(x => x.u.Length).ThenBy(x => x.i).Select(x => x.u).ToList();
                }
                for (var b = 0; b < n; b++)
                {
                    group[b].AddRange(drawn.GetRange(b * count, count));
                }
            }
            batches.AddRange(group.Select(g => g.ToArray()));
        }
        if (options.Shuffle)
        {
            new Random(SeedMix.Derive(options.Seed, epoch, 1)).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batches));
        }
        return batches;
    }

    /// <summary>What each kind draws from in this split: clips, hours, windows in one pass, and rows per batch.</summary>
    public static IReadOnlyList<SamplerComposition> Composition(IReadOnlyList<DatasetClip> clips, BatchOptions options, FrameClock clock)
    {
        var sampler = options.Sampler ?? throw new ArgumentException("the balanced sampler needs BatchOptions.Sampler");
        var decks = Decks(clips, options, clock, 0);
        var present = decks.Where(d => d.Any).Select(d => d.Kind).ToHashSet();
        var rows = present.Count == 0 ? new int[decks.Length] : sampler.RowsPerBatch(options.BatchSize, present);
        return decks.Select(d =>
        {
            var feeding = clips.Where(c => d.Kind == ExampleKind.Positive ? c.Labels.Anchors.Length > 0 : ExampleKinds.NegativeKind(c.Entry) == d.Kind).ToList();
            return new SamplerComposition(d.Kind, feeding.Count, feeding.Sum(c => c.Entry.Duration) / 3600, d.PassSize, rows[(int)d.Kind]);
        }).ToList();
    }

    /// <summary>Windows of one plain pass (what an epoch is without a sampler): the default epoch size.</summary>
    private static int PlainWindows(IReadOnlyList<DatasetClip> clips, BatchOptions options)
    {
        long total = 0;
        foreach (var clip in clips)
        {
            var frames = clip.Frames;
            total += options.WindowFrames is not { } w || frames <= w ? 1
                : options.WindowMode == WindowMode.Sliding ? SlidingStarts(frames, w, Stride(options, w)).Count()
                : (frames + w - 1) / w;
        }
        return (int)Math.Min(int.MaxValue, total);
    }

    private static Deck[] Decks(IReadOnlyList<DatasetClip> clips, BatchOptions options, FrameClock clock, int epoch)
    {
        var negative = clips.Select(c => ExampleKinds.NegativeKind(c.Entry)).ToArray();
        var nearMisses = options.Sampler!.NearMissWindows
            ? clips.Select(c => c.NearMissEnds.Select(clock.TimeToFrame).ToArray()).ToArray()
            : null;
        return Enum.GetValues<ExampleKind>()
            .Select(k => new Deck(clips, negative, nearMisses, options, k, new Random(SeedMix.Derive(options.Seed, epoch, 10 + (int)k))))
            .ToArray();
    }

    private static int Stride(BatchOptions options, int window) => options.WindowStride ?? Math.Max(1, window / 2);

    /// <summary>Window starts every stride frames, the last one flush with the clip end (as the plain plan cuts them).</summary>
    private static IEnumerable<int> SlidingStarts(int frames, int window, int stride)
    {
        var start = 0;
        for (; start + window < frames; start += stride)
        {
            yield return start;
        }
        yield return frames - window;
    }

    /// <summary>One kind's windows: a shuffled pass, dealt in order, dealt anew (fresh crops) when used up.</summary>
    private sealed class Deck
    {
        private readonly IReadOnlyList<DatasetClip> _clips;
        private readonly ExampleKind[] _negative;
        private readonly double[][]? _nearMisses;
        private readonly BatchOptions _options;
        private readonly Random _rng;
        private List<TrainingUnit> _cards;
        private int _next;

        public Deck(IReadOnlyList<DatasetClip> clips, ExampleKind[] negative, double[][]? nearMisses, BatchOptions options, ExampleKind kind, Random rng)
        {
            _clips = clips;
            _negative = negative;
            _nearMisses = nearMisses;
            _options = options;
            Kind = kind;
            _rng = rng;
            _cards = Pass();
            PassSize = _cards.Count;
        }

        public ExampleKind Kind { get; }

        public bool Any => PassSize > 0;

        /// <summary>Windows in the first pass.</summary>
        public int PassSize { get; }

        public TrainingUnit Next()
        {
            if (_next == _cards.Count)
            {
                _cards = Pass();
                _next = 0;
                // Random crops can miss a kind by chance (a clip's only crop landing on its anchor); deal again.
                for (var attempt = 0; _cards.Count == 0 && attempt < 16; attempt++)
                {
                    _cards = Pass();
                }
                if (_cards.Count == 0)
                {
                    throw new InvalidOperationException($"the sampler found no {Kind.ToString().ToLowerInvariant()} windows in 17 passes over the split");
                }
            }
            return _cards[_next++];
        }

        private List<TrainingUnit> Pass()
        {
            var cards = new List<TrainingUnit>();
            for (var i = 0; i < _clips.Count; i++)
            {
                var clip = _clips[i];
                var frames = clip.Frames;
                if (_options.WindowFrames is not { } w || frames <= w)
                {
                    Keep(cards, new TrainingUnit(i, 0, frames, true));
                }
                else if (_options.WindowMode == WindowMode.Sliding)
                {
                    foreach (var start in SlidingStarts(frames, w, Stride(_options, w)))
                    {
                        Keep(cards, new TrainingUnit(i, start, w, false));
                    }
                }
                else if (Kind == ExampleKind.Positive)
                {
                    foreach (var anchor in clip.Labels.Anchors.Where(a => a >= 0 && a < frames))
                    {
                        cards.Add(Around(i, anchor, frames, w));
                    }
                }
                else if (Kind == ExampleKind.Confusable && _negative[i] == Kind && _nearMisses?[i] is { Length: > 0 } ends
                         && ends.Any(e => e >= 0 && e < frames))
                {
                    foreach (var end in ends.Where(e => e >= 0 && e < frames))
                    {
                        Keep(cards, Around(i, end, frames, w));
                    }
                }
                else
                {
                    for (var k = (frames + w - 1) / w; k > 0; k--)
                    {
                        Keep(cards, new TrainingUnit(i, _rng.Next(0, frames - w + 1), w, false));
                    }
                }
            }
            _rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(cards));
            return cards;
        }

        /// <summary>
        /// A window of clip <paramref name="index"/> holding <paramref name="point"/>, placed at random between the window's
        /// middle and min(W/4, 30) frames before its end: context before the event, room for the frames after it.
        /// </summary>
        private TrainingUnit Around(int index, double point, int frames, int w)
        {
            var after = Math.Min(w / 4, 30);
            var lo = Math.Clamp((int)Math.Ceiling(point - w + after), 0, frames - w);
            var hi = Math.Clamp((int)Math.Floor(point - (w / 2.0)), lo, frames - w);
            return new TrainingUnit(index, _rng.Next(lo, hi + 1), w, false);
        }

        private void Keep(List<TrainingUnit> cards, TrainingUnit unit)
        {
            var kind = ExampleKinds.HoldsAnchor(_clips[unit.ClipIndex], unit.Start, unit.Length) ? ExampleKind.Positive : _negative[unit.ClipIndex];
            if (kind == Kind)
            {
                cards.Add(unit);
            }
        }
    }
}
