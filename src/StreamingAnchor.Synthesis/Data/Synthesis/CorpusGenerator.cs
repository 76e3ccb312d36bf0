using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Library entry point of <c>sal synth</c>: sources, voices and splits; plans; TTS (cached per utterance); clips
/// (each written atomically: audio, stream, then its sidecar with the manifest line and the files' digests); finally
/// the manifest, atomically. The folder is locked and owned for the run (<see cref="CorpusFolder"/>). A rerun with the
/// same settings reuses every clip whose files still match their digests and renders the rest, so an interrupted or
/// damaged run ends with the same bytes as an uninterrupted one; the output does not depend on the worker count.
/// </summary>
public static class CorpusGenerator
{
    public const string ManifestName = "manifest.jsonl";

    public static SynthResult Generate(SynthConfig config, IProgress<SynthProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Validate(config);
        // Held until the manifest is written: a second writer into the same folder is refused, not interleaved.
        using var folder = CorpusFolder.Open(config);
        var prepared = PrepareIn(folder, config, progress, cancellationToken);
        var (plans, renderer, output, warnings) = (prepared.Plans, prepared.Renderer, prepared.OutputDirectory, prepared.Warnings);
        var timings = prepared.Timings;
        var loop = System.Diagnostics.Stopwatch.StartNew();
        var loopCpu = SynthTimings.ProcessCpuSeconds();
        // A shard renders its own clips in the shared folder; positions in the whole plan give the manifest order.
        var clipsDir = Path.Combine(folder.WorkDirectory, "clips");
        Directory.CreateDirectory(clipsDir);
        var done = 0;
        var reused = 0;
        var damaged = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        progress?.Report(new SynthProgress("render", 0, plans.Count));
        ParallelWork.ForEach(plans, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, config.Workers), CancellationToken = cancellationToken },
            plan =>
            {
                var sidecar = Path.Combine(clipsDir, plan.Id + ".json");
                try
                {
                    // A sidecar is written last, so its absence means the clip was never finished; its presence is
                    // trusted only as far as every file it lists still has the recorded size and SHA-256. An empty
                    // problem is a clip never finished (rendered, not counted as regenerated); null is a sound one.
                    var problem = File.Exists(sidecar) ? ClipSidecar.Problem(sidecar, output) : "";
                    if (problem is null)
                    {
                        Interlocked.Increment(ref reused);
                    }
                    else
                    {
                        if (problem.Length > 0)
                        {
                            damaged[plan.Id] = problem;
                        }
                        Render(plan, renderer, output, sidecar, timings, cancellationToken);
                    }
                }
                catch (Exception ex) when (ex is SynthesisException or IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    // Clips render side by side: the id says which one failed.
                    throw new SynthesisException($"clip {plan.Id}: {ex.Message}", ex);
                }
                var now = Interlocked.Increment(ref done);
                progress?.Report(new SynthProgress("render", now, plans.Count));
            });

        timings.RenderLoopSeconds = loop.Elapsed.TotalSeconds;
        timings.RenderLoopCpu = SynthTimings.ProcessCpuSeconds() - loopCpu;
        var regenerated = plans.Where(p => damaged.ContainsKey(p.Id)).Select(p => damaged[p.Id]).ToList();
        if (regenerated.Count > 0)
        {
            var more = regenerated.Count > 1 ? $" (and {regenerated.Count - 1} more)" : "";
            var note = $"{regenerated.Count} clip(s) from the earlier run were missing or changed on disk and were regenerated: {regenerated[0]}{more}";
            warnings = [.. warnings, note];
            progress?.Report(new SynthProgress("warning", 0, 0, note));
        }
        if (prepared.Sources?.FailureSummary() is { Count: > 0 } failures)
        {
            // Speech from such a recording is dropped and a noise bed falls back to generated noise, the same way on
            // every run; the clips stay valid, but the user should know a source is not what it seems. One line per
            // package, with how many of its files were skipped.
            warnings = [.. warnings, .. failures];
        }
        var entries = plans.Select(p =>
        {
            var path = Path.Combine(clipsDir, p.Id + ".json");
            return Manifest.ParseLine(ClipSidecar.Read(path).Entry, path, 1);
        }).ToList();
        if (config.Shard is { } shard)
        {
            // No manifest: the merge writes it once every shard has finished (CorpusMerger).
            var partPath = ShardPart.PathOf(folder.WorkDirectory, shard);
            new ShardPart(shard.Index, shard.Count, prepared.PlannedClips, prepared.PlanIndices.Zip(plans, (i, p) => new ShardClip(i, p.Id)).ToList())
                .Save(partPath);
            progress?.Report(new SynthProgress("shard", 1, 1, partPath));
            return new SynthResult(partPath, entries.Count, reused, entries.Sum(e => e.Duration) / 3600, warnings, regenerated.Count, timings);
        }
        var manifestPath = Path.Combine(output, ManifestName);
        Manifest.Save(manifestPath, entries);
        progress?.Report(new SynthProgress("manifest", 1, 1, manifestPath));
        return new SynthResult(manifestPath, entries.Count, reused, entries.Sum(e => e.Duration) / 3600, warnings, regenerated.Count, timings);
    }

    /// <summary>
    /// Renders one clip (deterministic from its plan, so a regenerated clip is byte-identical to the lost one) and
    /// writes its files, then its sidecar with their digests as read back from disk.
    /// </summary>
    private static void Render(ClipPlan plan, ClipRenderer renderer, string output, string sidecar, SynthTimings timings,
        CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var clip = renderer.Render(plan, cancellationToken);
        var rendered = System.Diagnostics.Stopwatch.GetTimestamp();
        timings.AddRender(rendered - started);
        var files = new List<ClipFileDigest>();
        WavFile.Write(Path.Combine(output, clip.Entry.Audio), clip.Audio, SpeechCut.Rate);
        files.Add(ClipFileDigest.Of(output, clip.Entry.Audio));
        if (clip.Accelerometer is { } accel && clip.Entry.Streams is { } streams)
        {
            var path = Path.Combine(output, streams["accel"]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            FrameStreamFile.Write(path, accel);
            files.Add(ClipFileDigest.Of(output, streams["accel"]));
        }
        AtomicFile.WriteAllText(sidecar, new ClipSidecar(Manifest.FormatLine(clip.Entry), files).Format());
        timings.AddWrite(System.Diagnostics.Stopwatch.GetTimestamp() - rendered);
    }

    /// <summary>
    /// Everything up to rendering: engines, voices, sources, splits, plans and the filled TTS cache. Tests render
    /// single plans from it to inspect the layers behind the labels.
    /// </summary>
    public static PreparedCorpus Prepare(SynthConfig config, IProgress<SynthProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Validate(config);
        using var folder = CorpusFolder.Open(config);
        return PrepareIn(folder, config, progress, cancellationToken);
    }

    private static PreparedCorpus PrepareIn(CorpusFolder folder, SynthConfig config, IProgress<SynthProgress>? progress,
        CancellationToken cancellationToken)
    {
        var output = folder.Directory;
        var work = folder.WorkDirectory;
        var timings = new SynthTimings();
        var stage = System.Diagnostics.Stopwatch.StartNew();
        var cpu = SynthTimings.ProcessCpuSeconds();
        double CpuLap()
        {
            var now = SynthTimings.ProcessCpuSeconds();
            var lap = now - cpu;
            cpu = now;
            return lap;
        }
        Directory.CreateDirectory(work);
        var warnings = new List<string>();
        void Warn(string message)
        {
            warnings.Add(message);
            progress?.Report(new SynthProgress("warning", 0, 0, message));
        }

        // Engines and voices.
        var engines = new Dictionary<TtsEngineKind, ITtsEngine>();
        foreach (var name in config.Engines.Select(e => e.Trim().ToLowerInvariant()).Distinct())
        {
            var engine = Engine(name);
            if (engine.Unavailable() is { } why)
            {
                Warn(why + "; continuing without it");
                continue;
            }
            engines[engine.Kind] = engine;
        }
        if (engines.Count == 0)
        {
            throw new SynthesisException("no TTS engine is available (run scripts/setup.sh to install espeak-ng, flite, festival)");
        }
        var catalog = VoiceCatalog.Build(engines.Values, config.Keyword, config.Workers, cancellationToken);
        foreach (var w in catalog.Warnings)
        {
            Warn(w);
        }
        var pools = SplitAssigner.Splits.ToDictionary(s => s, _ => new SplitPool());
        catalog.Fill(pools);

        // Real sources (fetched once into the cache) and generated noise "files".
        SourceFetcher? fetcher = null;
        var sources = config.Sources.Select(RealSourceCatalog.Get).ToList();
        if (sources.Count > 0)
        {
            fetcher = new SourceFetcher(config.SourceCacheDirectory);
            progress?.Report(new SynthProgress("sources", 0, sources.Count, "download"));
            fetcher.Prefetch(sources, cancellationToken);
            var found = new (IReadOnlyList<RealFile> Files, string? Problem)[sources.Count];
            var ready = 0;
            ParallelWork.For(sources.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, config.Workers), CancellationToken = cancellationToken },
                i =>
                {
                    try
                    {
                        found[i] = fetcher.Ensure(sources[i], cancellationToken);
                    }
                    catch (Exception ex) when (ex is SynthesisException or IOException or InvalidDataException or UnauthorizedAccessException)
                    {
                        throw new SynthesisException($"source {sources[i].Name}: {ex.Message}", ex);
                    }
                    progress?.Report(new SynthProgress("sources", Interlocked.Increment(ref ready), sources.Count, sources[i].Name));
                });
            var usable = new List<(RealSource, IReadOnlyList<RealFile>)>();
            for (var i = 0; i < sources.Count; i++)
            {
                if (found[i].Problem is { } problem)
                {
                    Warn(problem);
                    continue;
                }
                // An onset corpus's beds stand for "no speech": a robot's spoken line there would be an unlabelled onset.
                usable.Add((sources[i], config.Task == SynthTask.Onset
                    ? [.. found[i].Files.Where(f => f.Source.SpeechFree(f.RelativePath))]
                    : found[i].Files));
            }
            // Real sources are split by package (RealSource.Split); generated noise, below, by index.
            SplitPool.PlaceSources(pools, usable);
        }
        timings.SourcesSeconds = stage.Elapsed.TotalSeconds;
        timings.SourcesCpu = CpuLap();
        var generated = Enum.GetValues<NoiseColor>().SelectMany(c => Enumerable.Range(0, 8).Select(i => (c, i))).ToList();
        var generatedSplit = SplitAssigner.Assign(generated.Select(g => new NoisePlan(null, g.c, g.i, 0, false).Id));
        foreach (var g in generated)
        {
            pools[generatedSplit[new NoisePlan(null, g.c, g.i, 0, false).Id]].Generated.Add(g);
        }
        foreach (var (split, pool) in pools)
        {
            if (!pool.HasVoices)
            {
                throw new SynthesisException($"no TTS voice falls in the {split} split with engines {string.Join(", ", engines.Keys)}");
            }
        }

        CheckPools(pools, folder, config.Force);

        // Plans, then speech synthesis (cached), then clips.
        stage.Restart();
        var confusables = ConfusableGenerator.For(config.Keyword, config.Confusables, config.Seed, engines.ContainsKey(TtsEngineKind.Espeak),
            rule: config.NearMisses);
        var accents = config.KeywordAccents > 0 && config.Task == SynthTask.Kws && engines.ContainsKey(TtsEngineKind.Espeak)
            ? ConfusableGenerator.AccentVariants(config.Keyword, config.Seed, 40) : [];
        var all = new CorpusPlanner(config, pools, confusables, accents).Plan();
        // Every shard plans the whole corpus (cheap, and identical everywhere) and keeps its part: only that part's
        // speech is synthesised and rendered.
        var indices = Enumerable.Range(0, all.Count).Where(i => config.Shard?.Owns(i) ?? true).ToList();
        var plans = indices.Select(i => all[i]).ToList();
        timings.PlanSeconds = stage.Elapsed.TotalSeconds;
        timings.PlanCpu = CpuLap();
        stage.Restart();
        var cache = new TtsCache(Path.Combine(work, "tts"), engines, folder.ScratchDirectory);
        foreach (var kind in plans.Select(p => p.Acoustics.Channel.Kind).Distinct().Order())
        {
            if (CodecChannel.Unavailable(kind) is { } why)
            {
                Warn($"{why}: streams planned with the {kind.ToString().ToLowerInvariant()} channel use the telephone channel instead");
            }
        }
        var requests = plans.SelectMany(p => p.Items.Concat(p.Acoustics.ExtraItems)).Where(i => i.Tts is not null).Select(i => i.Tts!).ToList();
        timings.TtsRequests = requests.Count;
        timings.TtsDistinct = requests.Select(r => r.CacheKey).Distinct(StringComparer.Ordinal).Count();
        timings.TtsSynthesised = cache.Fill(requests, config.Workers, progress, cancellationToken);
        timings.TtsSeconds = stage.Elapsed.TotalSeconds;
        timings.TtsCpu = CpuLap();

        return new PreparedCorpus(output, plans, new ClipRenderer(config, cache, fetcher), warnings, fetcher, all.Count, indices, timings);
    }

    /// <summary>The engine of a name given to <c>--engines</c>.</summary>
    public static ITtsEngine Engine(string name) => name.Trim().ToLowerInvariant() switch
    {
        "espeak" or "espeak-ng" => new EspeakEngine(),
        "flite" => new FliteEngine(),
        "festival" => new FestivalEngine(),
        _ => throw new ArgumentException($"unknown TTS engine '{name}' (known: espeak, flite, festival)"),
    };

    private static void Validate(SynthConfig config)
    {
        if (!(config.Hours > 0) && config.Clips is null)
        {
            throw new ArgumentException($"--hours must be positive, got {config.Hours}");
        }
        if (config.Clips is <= 0)
        {
            throw new ArgumentException($"clip count must be positive, got {config.Clips}");
        }
        if (!(config.ClipSeconds >= 1 && config.ClipSeconds <= 600))
        {
            throw new ArgumentException($"clip length must be within 1..600 s, got {config.ClipSeconds}");
        }
        if (string.IsNullOrWhiteSpace(TextBank.CleanText(config.Keyword)))
        {
            throw new ArgumentException("the keyword is empty");
        }
        if (config.TrainFraction < 0 || config.DevFraction < 0 || config.TrainFraction + config.DevFraction > 1)
        {
            throw new ArgumentException($"split fractions must be >= 0 and sum to at most 1 (train {config.TrainFraction}, dev {config.DevFraction})");
        }
        foreach (var name in config.Sources)
        {
            RealSourceCatalog.Get(name);
        }
        foreach (var name in config.Engines)
        {
            if (name.Trim().ToLowerInvariant() is not ("espeak" or "espeak-ng" or "flite" or "festival"))
            {
                throw new ArgumentException($"unknown TTS engine '{name}' (known: espeak, flite, festival)");
            }
        }
        if (config.Shard is not null && config.Force)
        {
            // --force may discard the corpus, which would pull the files from under the other shards.
            throw new ArgumentException("--force cannot be combined with --shard; start the corpus over with one unsharded run, or use another --out");
        }
        if (!(config.KeywordAccents is >= 0 and <= 1))
        {
            throw new ArgumentException(FormattableString.Invariant($"--keyword-accents must be a share within [0, 1], got {config.KeywordAccents}"));
        }
        if (!(config.LongFraction >= 0 && config.LongFraction < 1) || config.LongStreams is < 0)
        {
            throw new ArgumentException($"the long-stream share must be within [0, 1) and the count >= 0 (got {config.LongFraction}, {config.LongStreams})");
        }
        if (!(config.LongMinSeconds >= 1 && config.LongMinSeconds <= config.LongMaxSeconds && config.LongMaxSeconds <= 600))
        {
            throw new ArgumentException($"long streams must be MIN:MAX seconds with 1 <= MIN <= MAX <= 600, got {config.LongMinSeconds}:{config.LongMaxSeconds}");
        }
        if (config.LongTrainFraction < 0 || config.LongDevFraction < 0 || config.LongTrainFraction + config.LongDevFraction > 1)
        {
            throw new ArgumentException($"long-stream split fractions must be >= 0 and sum to at most 1 (train {config.LongTrainFraction}, dev {config.LongDevFraction})");
        }
        if (config.MinSnrDb > config.MaxSnrDb)
        {
            throw new ArgumentException($"SNR range is empty ({config.MinSnrDb} > {config.MaxSnrDb})");
        }
        if (config.MinBabbleSnrDb > config.MaxBabbleSnrDb)
        {
            throw new ArgumentException($"babble SNR range is empty ({config.MinBabbleSnrDb} > {config.MaxBabbleSnrDb})");
        }
        if (config.MinGainDbfs > config.MaxGainDbfs || config.MaxGainDbfs > 0)
        {
            throw new ArgumentException($"gain range must be ordered and at most 0 dBFS, got {config.MinGainDbfs}..{config.MaxGainDbfs}");
        }
        foreach (var (name, p) in new[] { ("room", config.RoomProbability), ("channel", config.ChannelProbability),
            ("babble", config.BabbleProbability), ("adjacent speech", config.AdjacentSpeechProbability), ("overlap", config.OverlapProbability) })
        {
            if (!(p >= 0 && p <= 1))
            {
                throw new ArgumentException($"{name} probability must be within 0..1, got {p}");
            }
        }
    }

    /// <summary>
    /// Plans depend on which voices and files were available; a resumed run whose engines or sources changed (say a
    /// download failed the first time) would mix two plans, so it is refused with the difference.
    /// </summary>
    private static void CheckPools(IReadOnlyDictionary<string, SplitPool> pools, CorpusFolder folder, bool force)
    {
        var summary = string.Join('\n', pools.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
            $"{kv.Key}: voices {string.Join(' ', kv.Value.Voices.OrderBy(v => v.Key).Select(v => $"{v.Key}={v.Value.Count}"))}; " +
            $"speech files {kv.Value.Speech.Count}; music files {kv.Value.Music.Count}; noise files {kv.Value.Noise.Count}; generated {kv.Value.Generated.Count}")) + "\n";
        var path = Path.Combine(folder.WorkDirectory, "pools.txt");
        if (File.Exists(path))
        {
            var before = File.ReadAllText(path);
            if (before == summary)
            {
                return;
            }
            if (!force)
            {
                throw new SynthesisException($"{folder.Directory}: the voices or sources available differ from the interrupted run " +
                    $"(was: {before.Replace('\n', ' ').Trim()}; now: {summary.Replace('\n', ' ').Trim()}); use another --out or pass --force to start over");
            }
            folder.DiscardOutputs();
        }
        AtomicFile.WriteAllText(path, summary);
    }
}
