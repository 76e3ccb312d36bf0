using System.Security.Cryptography;
using System.Text;
using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Data;

/// <summary>
/// A manifest turned into cached features, task targets and anchors, ready to be served as padded batches:
/// <code>
/// var data = FeatureDataset.Load("corpus/manifest.jsonl", new DatasetOptions { Rule = TaskRule.For(TaskKind.Kws, "hey_sal") });
/// foreach (var batch in data.Batches("train", new BatchOptions { BatchSize = 32, Seed = 1, WindowFrames = 200 }, epoch)) { ... }
/// </code>
/// Features are [frames, mel bins + extra stream dims], kept per split in a <see cref="FeatureStore"/> (memory-mapped by
/// default, so only the current batches' windows are materialised); the normaliser is fitted on the train split and
/// applied to every batch (replace it with a model's own via <see cref="Normalizer"/> at evaluation). Disposing the
/// dataset unmaps its stores.
/// </summary>
public sealed class FeatureDataset : IDisposable
{
    private readonly IReadOnlyList<FeatureStore> _stores;
    private readonly Dictionary<string, List<DatasetClip>> _splits;
    private readonly Dictionary<string, NoiseBank> _noiseBanks = new(StringComparer.Ordinal);
    private readonly Lock _noiseGate = new();

    private FeatureDataset(Manifest manifest, DatasetOptions options, Dictionary<string, List<DatasetClip>> splits,
        IReadOnlyList<string> streamNames, int inputDim, FeatureNormalizer normalizer, IReadOnlyList<FeatureStore> stores)
    {
        _stores = stores;
        Manifest = manifest;
        Options = options;
        _splits = splits;
        StreamNames = streamNames;
        InputDim = inputDim;
        Normalizer = normalizer;
    }

    public Manifest Manifest { get; }

    public DatasetOptions Options { get; }

    /// <summary>Names of the extra streams concatenated after the mel bins, in order (empty when excluded).</summary>
    public IReadOnlyList<string> StreamNames { get; }

    /// <summary>F of the batches: mel bins plus the dims of the included streams.</summary>
    public int InputDim { get; }

    /// <summary>C of the model for this task rule (1 sigmoid, K + 1 softmax).</summary>
    public int NumClasses => Options.Rule.OutputClasses;

    /// <summary>Applied to every example; fitted on <see cref="DatasetOptions.NormalizerSplit"/> at load.</summary>
    public FeatureNormalizer Normalizer { get; set; }

    public IReadOnlyCollection<string> SplitNames => _splits.Keys;

    public IReadOnlyList<DatasetClip> Clips(string split) =>
        _splits.TryGetValue(split, out var clips) ? clips : [];

    /// <summary>Loads a manifest, computing or reusing cached features (in parallel, with progress).</summary>
    public static FeatureDataset Load(string manifestPath, DatasetOptions options, IProgress<(int Done, int Total)>? progress = null)
        => Load(Manifest.Load(manifestPath), options, progress);

    public static FeatureDataset Load(Manifest manifest, DatasetOptions options, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Rule.Validate();
        options.Fbank.Validate();
        if (options.Rule.Clock != FrameClock.Of(options.Fbank))
        {
            // Labels on another grid than the features would put every target and anchor at the wrong frames.
            throw new ArgumentException(
                $"dataset options: the task rule's frame clock ({options.Rule.Clock}) is not the front end's ({FrameClock.Of(options.Fbank)})");
        }
        var entries = manifest.Entries
            .Where(e => options.Splits is null || options.Splits.Contains(e.Split, StringComparer.OrdinalIgnoreCase))
            .ToList();
        if (entries.Count == 0)
        {
            throw new InvalidDataException($"{manifest.Path}: no clips in splits {string.Join(", ", options.Splits ?? [])}");
        }
        var duplicate = entries.GroupBy(e => e.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"{manifest.Path}: clip id '{duplicate.Key}' appears {duplicate.Count()} times");
        }

        var cache = new FeatureCache(options.CacheDirectory ?? Path.Combine(manifest.BaseDirectory, ".cache", "features"), options.Fbank);
        var streamNames = options.IncludeStreams
            ? entries.SelectMany(e => e.Streams?.Keys ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()
            : [];
        foreach (var entry in entries)
        {
            TaskRule.CheckAnchors(entry, manifest.Path);
            NearMissSpan.Of(entry, manifest.Path);
        }
        // Every clip must have the first clip's width: mel bins plus its streams' dims.
        var inputDim = options.Fbank.MelBins + ReadStreams(manifest, entries[0], streamNames).Sum(s => s.Dim);
        var extractor = new ThreadLocal<FbankExtractor>(() => new FbankExtractor(options.Fbank));
        var splits = new Dictionary<string, List<DatasetClip>>(StringComparer.OrdinalIgnoreCase);
        var stores = new List<FeatureStore>();
        var done = 0;
        progress?.Report((0, entries.Count));
        try
        {
            foreach (var split in entries.Select(e => e.Split).Distinct(StringComparer.OrdinalIgnoreCase).ToList())
            {
                var part = entries.Where(e => string.Equals(e.Split, split, StringComparison.OrdinalIgnoreCase)).ToList();
                var paths = part.Select(e => manifest.Resolve(e.Audio)).ToList();
                FeatureMatrix Produce(int i)
                {
                    var mel = cache.Get(paths[i], extractor.Value);
                    if (mel.Frames == 0)
                    {
                        throw new InvalidDataException($"{paths[i]}: clip '{part[i].Id}' is shorter than one {options.Fbank.WindowSamples}-sample frame");
                    }
                    var features = streamNames.Count == 0 ? mel : WithStreams(manifest, part[i], mel, streamNames, FrameClock.Of(options.Fbank));
                    if (features.Dim != inputDim)
                    {
                        throw new InvalidDataException($"{manifest.Path}: clip '{part[i].Id}' has {features.Dim} features per frame, earlier clips {inputDim}");
                    }
                    return features;
                }
                var before = done;
                Action<int>? report = progress is null ? null : n => progress.Report((before + n, entries.Count));
                FeatureStore store = options.Storage == FeatureStorage.Memory
                    ? LoadInMemory(part.Count, Produce, inputDim, report, options.MaxParallelism)
                    : OpenOrBuild(manifest, split, cache, part, paths, streamNames, Produce, report, options.MaxParallelism);
                stores.Add(store);
                done += part.Count;
                progress?.Report((done, entries.Count));
                splits[split] = part.Select((e, i) => new DatasetClip(e, paths[i], store, i, options.Rule.Apply(e, store.Frames(i)),
                    [.. NearMissSpan.Of(e, manifest.Path).Select(s => s.End)])).ToList();
            }
        }
        catch
        {
            foreach (var store in stores)
            {
                store.Dispose();
            }
            throw;
        }

        var fitOn = splits.TryGetValue(options.NormalizerSplit, out var fitClips) ? fitClips : null;
        var normalizer = options.Normalizer
            ?? (fitOn is null ? FeatureNormalizer.Identity(inputDim) : FeatureNormalizer.Fit(fitOn.Select(c => c.ReadFeatures())));
        return new FeatureDataset(manifest, options, splits, streamNames, inputDim, normalizer, stores);
    }

    private static MemoryFeatureStore LoadInMemory(int count, Func<int, FeatureMatrix> produce, int dim, Action<int>? progress, int? maxParallelism)
    {
        var clips = new FeatureMatrix[count];
        var done = 0;
        ParallelWork.For(count, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism ?? Environment.ProcessorCount }, i =>
        {
            clips[i] = produce(i);
            progress?.Invoke(Interlocked.Increment(ref done));
        });
        return new MemoryFeatureStore(clips, dim);
    }

    /// <summary>
    /// The split's mapped store under the cache (<c>stores/</c>), named by manifest, split, streams and clip ids and keyed by every
    /// cache entry and stream file it is built from (path, size, mtime): reused while they are unchanged, rebuilt when
    /// any changed or is missing. Clips come from the per-file cache, computed there first when needed.
    /// </summary>
    private static MappedFeatureStore OpenOrBuild(Manifest manifest, string split, FeatureCache cache, IReadOnlyList<ManifestEntry> part,
        IReadOnlyList<string> paths, IReadOnlyList<string> streamNames, Func<int, FeatureMatrix> produce, Action<int>? progress, int? maxParallelism)
    {
        // Named by what it holds, so a part of a manifest (sal bench data --hours) gets a store of its own.
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{manifest.Path}|{split.ToLowerInvariant()}|{string.Join(',', streamNames)}|{string.Join('\n', part.Select(e => e.Id))}")))[..24];
        var path = Path.Combine(cache.Directory, "stores", name + ".feat");
        byte[]? Key()
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Encoding.UTF8.GetBytes($"{cache.Config.Fingerprint()}|{string.Join(',', streamNames)}|{part.Count}\n"));
            for (var i = 0; i < part.Count; i++)
            {
                var entry = new FileInfo(cache.EntryPath(paths[i]));
                if (!entry.Exists)
                {
                    return null;
                }
                hash.AppendData(Encoding.UTF8.GetBytes($"{entry.FullName}|{entry.Length}|{entry.LastWriteTimeUtc.Ticks}"));
                foreach (var stream in streamNames)
                {
                    var file = part[i].Streams is { } s && s.TryGetValue(stream, out var rel) ? new FileInfo(manifest.Resolve(rel)) : null;
                    hash.AppendData(Encoding.UTF8.GetBytes(file is { Exists: true } ? $"|{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}" : "|-"));
                }
                hash.AppendData("\n"u8);
            }
            return hash.GetHashAndReset();
        }
        if (Key() is { } key && MappedFeatureStore.TryOpen(path, key, part.Count) is { } existing)
        {
            progress?.Invoke(part.Count);
            return existing;
        }
        // Two processes building one store (the first cells of a grid on a cold cache) would each rewrite cache entries
        // the other had keyed its store by, and one of them failed; the second now waits and opens what the first built.
        using var gate = WaitForStoreLock(path + ".lock");
        if (Key() is { } built && MappedFeatureStore.TryOpen(path, built, part.Count) is { } ready)
        {
            progress?.Invoke(part.Count);
            return ready;
        }
        MappedFeatureStore.Write(path, part.Count, produce,
            () => Key() ?? throw new IOException($"{cache.Directory}: feature cache entries vanished while building {path}"), progress, maxParallelism);
        return MappedFeatureStore.TryOpen(path, Key() ?? [], part.Count)
            ?? throw new IOException($"{path}: the feature store changed while it was built (another process rebuilding it?); run again");
    }

    /// <summary>
    /// An OS lock (FileShare.None: flock on Unix, released when the process ends, however it ends) on the store's lock
    /// file, waited for while another process holds it.
    /// </summary>
    private static FileStream WaitForStoreLock(string lockPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                Thread.Sleep(200);
            }
        }
    }

    /// <summary>The named extra streams of one clip, in order, read from the manifest's .npy files.</summary>
    public static IReadOnlyList<FeatureMatrix> ReadStreams(Manifest manifest, ManifestEntry entry, IReadOnlyList<string> names)
    {
        var streams = new List<FeatureMatrix>();
        foreach (var name in names)
        {
            if (entry.Streams is null || !entry.Streams.TryGetValue(name, out var rel))
            {
                throw new InvalidDataException($"{manifest.Path}: clip '{entry.Id}' has no stream '{name}' (other clips do; exclude streams or add it)");
            }
            var m = FrameStreamFile.Read(manifest.Resolve(rel));
            if (m.Frames == 0)
            {
                throw new InvalidDataException($"{manifest.Resolve(rel)}: stream '{name}' of clip '{entry.Id}' has no frames");
            }
            streams.Add(m);
        }
        return streams;
    }

    /// <summary>
    /// Mel frame t of a run on <paramref name="clock"/> (its front end) followed by each stream's row at the same time
    /// (<see cref="FrameStreamFile.RowAt"/>: row t on the default grid; streams a frame or two short are padded).
    /// </summary>
    public static void AppendStreams(ReadOnlySpan<float> mel, IReadOnlyList<FeatureMatrix> streams, FrameClock clock, int t, Span<float> row)
    {
        mel.CopyTo(row);
        var offset = mel.Length;
        foreach (var s in streams)
        {
            s.Row(FrameStreamFile.RowAt(clock, t, s.Frames)).CopyTo(row.Slice(offset, s.Dim));
            offset += s.Dim;
        }
    }

    private static FeatureMatrix WithStreams(Manifest manifest, ManifestEntry entry, FeatureMatrix mel, IReadOnlyList<string> names, FrameClock clock)
    {
        var streams = ReadStreams(manifest, entry, names);
        var dim = mel.Dim + streams.Sum(s => s.Dim);
        var data = new float[mel.Frames * dim];
        for (var t = 0; t < mel.Frames; t++)
        {
            AppendStreams(mel.Row(t), streams, clock, t, data.AsSpan(t * dim, dim));
        }
        return new FeatureMatrix(data, mel.Frames, dim);
    }

    /// <summary>
    /// Which stretches of which clips make up each batch of an epoch, before any audio is touched: every window once
    /// (shuffled, bucketed), or with <see cref="BatchOptions.Sampler"/> balanced batches (<see cref="BalancedSampler"/>).
    /// </summary>
    public IReadOnlyList<TrainingUnit[]> Plan(string split, BatchOptions options, int epoch = 0)
    {
        options.Validate();
        var clips = Clips(split);
        if (options.Sampler is not null)
        {
            return clips.Count == 0 ? [] : BalancedSampler.Plan(clips, options, Options.Rule.Clock, epoch);
        }
        var rng = new Random(SeedMix.Derive(options.Seed, epoch, 1));
        var units = new List<TrainingUnit>();
        for (var i = 0; i < clips.Count; i++)
        {
            var frames = clips[i].Frames;
            if (options.WindowFrames is not { } w || frames <= w)
            {
                units.Add(new TrainingUnit(i, 0, frames, true));
                continue;
            }
            if (options.WindowMode == WindowMode.Sliding)
            {
                var stride = options.WindowStride ?? Math.Max(1, w / 2);
                var start = 0;
                for (; start + w < frames; start += stride)
                {
                    units.Add(new TrainingUnit(i, start, w, false));
                }
                units.Add(new TrainingUnit(i, frames - w, w, false));
            }
            else
            {
                var crops = (frames + w - 1) / w;
                for (var k = 0; k < crops; k++)
                {
                    units.Add(new TrainingUnit(i, rng.Next(0, frames - w + 1), w, false));
                }
            }
        }
        if (options.Shuffle)
        {
            Shuffle(units, rng);
        }
        var batches = new List<TrainingUnit[]>();
        var pool = options.BucketPoolBatches > 0 ? options.BatchSize * options.BucketPoolBatches : units.Count;
        for (var p = 0; p < units.Count; p += Math.Max(1, pool))
        {
            var chunk = units.Skip(p).Take(Math.Max(1, pool));
            if (options.BucketPoolBatches > 0)
            {
                // Sorting by length inside a pool keeps padding small while the pools keep batches varied.
                chunk = chunk.Select((u, k) => (u, k)).OrderBy(x => x.u.Length).ThenBy(x => x.k).Select(x => x.u);
            }
            batches.AddRange(chunk.Chunk(options.BatchSize));
        }
        if (options.DropLast && batches.Count > 0 && batches[^1].Length < options.BatchSize)
        {
            batches.RemoveAt(batches.Count - 1);
        }
        if (options.Shuffle)
        {
            Shuffle(batches, rng);
        }
        return batches;
    }

    /// <summary>Per <see cref="ExampleKind"/>: what the sampler of <paramref name="options"/> draws from in a split.</summary>
    public IReadOnlyList<SamplerComposition> Composition(string split, BatchOptions options)
    {
        options.Validate();
        return BalancedSampler.Composition(Clips(split), options, Options.Rule.Clock);
    }

    /// <summary>
    /// The examples of each batch of a split for one epoch, batch by batch (Training/DatasetBatches pads them into
    /// tensors). The same (seed, epoch) always gives the same examples; with augmentation the examples of a batch are
    /// built in parallel, each from its own derived seed.
    /// </summary>
    public IEnumerable<FrameExample[]> BatchExamples(string split, BatchOptions options, int epoch = 0)
    {
        var plan = Plan(split, options, epoch);
        var maker = new ExampleMaker(Clips(split), Options, Normalizer, NoiseFor(options.Augment));
        // Only waveform work is worth a thread per example; noise is off without a manifest whatever its probability.
        var waveform = options.Augment is { } a && (a.SpeedProbability > 0 || (a.NoiseProbability > 0 && a.NoiseManifest is not null));
        var row = 0;
        foreach (var units in plan)
        {
            var examples = new FrameExample[units.Length];
            var first = row;
            void MakeOne(int k) =>
                examples[k] = maker.Make(units[k], options.Augment, new Random(SeedMix.Derive(options.Seed, epoch, 1000 + first + k)));
            if (waveform)
            {
                ParallelWork.For(units.Length, new ParallelOptions(), MakeOne);
            }
            else
            {
                for (var k = 0; k < units.Length; k++)
                {
                    MakeOne(k);
                }
            }
            row += units.Length;
            yield return examples;
        }
    }

    /// <summary>Number of batches <see cref="BatchExamples"/> yields for this split and options.</summary>
    public int BatchCount(string split, BatchOptions options, int epoch = 0) => Plan(split, options, epoch).Count;

    /// <summary>Duration and events (anchors in seconds) of every clip of a split, by id: the ground truth for evaluation.</summary>
    public IReadOnlyDictionary<string, (double Duration, IReadOnlyList<EvalEvent> Events)> Truth(string split) =>
        Clips(split).ToDictionary(c => c.Id, c => (c.Entry.Duration, c.Labels.Events));

    private NoiseBank? NoiseFor(AugmentOptions? augment)
    {
        if (augment?.NoiseManifest is not { } path || augment.NoiseProbability <= 0)
        {
            return null;
        }
        var full = Path.GetFullPath(path);
        lock (_noiseGate)
        {
            if (!_noiseBanks.TryGetValue(full, out var bank))
            {
                _noiseBanks[full] = bank = NoiseBank.Load(full, Options.Fbank.SampleRate);
            }
            return bank;
        }
    }

    /// <summary>The stores holding each loaded split's features (for size and memory reports).</summary>
    public IReadOnlyList<FeatureStore> Stores => _stores;

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }
    }

    private static void Shuffle<T>(List<T> list, Random rng)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
