using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Inference;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Mining;

/// <summary>
/// `sal mine`: streams a run's model over long negative audio through the device loop (Inference/StreamingPipeline,
/// exactly as `sal eval` scores), finds its false alarms at a permissive operating point and cuts a window around each
/// one into a manifest of hard negatives that `sal train --hard-negatives` adds to training. The streaming is resumable
/// (each clip's posteriors are kept under .work/, keyed by the model's bytes and the clip's file); the manifest and
/// rounds.jsonl are written atomically once the round is complete. Every run with a new model is a new round whose
/// windows are added to the earlier rounds'; rerunning a round's model redoes that round.
/// </summary>
public static class HardNegativeMiner
{
    public const string ManifestFile = "manifest.jsonl";
    public const string RoundsFile = "rounds.jsonl";
    public const string ClipsFolder = "clips";

    public static MiningRound Mine(MiningOptions options, IProgress<(int Done, int Total)>? progress = null)
    {
        options.Validate();
        var pool = Pool(options);
        using var opened = RunScorer.Open(options.Run);
        if (opened.Audio.StreamNames.Count > 0)
        {
            throw new InvalidDataException(
                $"{options.Run}: the model also reads the streams {string.Join(", ", opened.Audio.StreamNames)}; mining cuts audio windows only");
        }
        var task = RunEvaluator.TaskOf(opened.Run);
        var evaluation = EvaluationConfig.ForTask(task).On(FrameClock.Of(opened.FrontEnd));
        var pipeline = opened.Pipeline(evaluation.Detector);
        var modelKey = ModelKey(opened.Run);
        Directory.CreateDirectory(options.Out);
        using var folderLock = RunLock.Acquire(options.Out);
        var work = Path.Combine(options.Out, ".work", "posteriors");
        Directory.CreateDirectory(work);

        var traces = new List<PosteriorTrace>(pool.Count);
        double streamSeconds = 0;
        for (var i = 0; i < pool.Count; i++)
        {
            var clip = pool[i];
            var seconds = WavFile.ReadInfo(clip.AudioPath).DurationSeconds;
            var cache = Path.Combine(work, CacheName(modelKey, clip.AudioPath) + ".npy");
            float[] posteriors;
            if (File.Exists(cache))
            {
                posteriors = FrameStreamFile.Read(cache).Data;
            }
            else
            {
                var audio = WavFile.Read(clip.AudioPath, pipeline.FrontEnd.SampleRate);
                var start = ThreadCpuClock.Now();
                var result = pipeline.Run(audio.Samples, StreamingPipeline.DeviceChunkSamples);
                streamSeconds += ThreadCpuClock.Now() - start;
                posteriors = result.Posteriors;
                FrameStreamFile.Write(cache, new FeatureMatrix(posteriors, result.Frames, result.Classes));
            }
            traces.Add(new PosteriorTrace(clip.Id, posteriors, pipeline.Classes, seconds, []));
            progress?.Report((i + 1, pool.Count));
        }

        var threshold = options.Threshold ?? MiningThreshold(traces, evaluation, options.FaPerHour);
        var hours = traces.Sum(t => t.DurationSeconds) / 3600;
        var atDefault = traces.Sum(t => DetectionEvaluator.Detect(t, evaluation.Detector, MiningRound.DefaultThreshold).Count);
        var (round, earlier) = RoundOf(options.Out, modelKey);
        var entries = new List<ManifestEntry>();
        var falseAlarms = 0;
        for (var i = 0; i < pool.Count; i++)
        {
            var detections = DetectionEvaluator.Detect(traces[i], evaluation.Detector, threshold);
            falseAlarms += detections.Count;
            if (detections.Count > 0)
            {
                entries.AddRange(Cut(options, pool[i], traces[i].DurationSeconds, detections, round, modelKey, pipeline.FrontEnd.SampleRate));
            }
        }

        var manifestPath = Path.Combine(options.Out, ManifestFile);
        // A round without false alarms leaves an empty file (Manifest.Load refuses one): nothing to keep from it.
        var kept = File.Exists(manifestPath) && new FileInfo(manifestPath).Length > 0
            ? Manifest.Load(manifestPath).Entries.Where(e => e.Meta?.GetValueOrDefault("round") != round.ToString(CultureInfo.InvariantCulture))
            : [];
        Manifest.Save(manifestPath, [.. kept, .. entries]);
        var summary = new MiningRound(round, Path.GetFullPath(options.Run), modelKey, pool.Count, hours, threshold, falseAlarms, entries.Count,
            entries.Sum(e => e.Duration), options.Weight, atDefault, streamSeconds);
        var lines = earlier.Where(l => l.Round != round).Append(summary).OrderBy(l => l.Round).Select(l => JsonSerializer.Serialize(l, ProjectJson.Line) + "\n");
        AtomicFile.WriteAllText(Path.Combine(options.Out, RoundsFile), string.Concat(lines));
        return summary;
    }

    /// <summary>The pool: a manifest's clips without events in the chosen splits, or every WAV under a folder (sorted).</summary>
    public static IReadOnlyList<MiningClip> Pool(MiningOptions options)
    {
        if (options.Manifest is { } path)
        {
            var manifest = ManifestChecker.LoadValid(path);
            var clips = manifest.Entries
                .Where(e => e.Events.Count == 0 && options.Splits.Contains(e.Split, StringComparer.OrdinalIgnoreCase))
                .Select(e => new MiningClip(e.Id, manifest.Resolve(e.Audio)))
                .ToList();
            return clips.Count > 0
                ? clips
                : throw new InvalidDataException($"{path}: no clips without events in the splits {string.Join(", ", options.Splits)} to mine");
        }
        var folder = options.WavFolder!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder}: folder not found");
        }
        var files = Directory.EnumerateFiles(folder, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        return files.Count > 0
            ? files.Select(f => new MiningClip(SafeId(Path.ChangeExtension(Path.GetRelativePath(folder, f), null)), Path.GetFullPath(f))).ToList()
            : throw new InvalidDataException($"{folder}: no .wav files to mine");
    }

    /// <summary>
    /// The lowest swept threshold whose false alarms per hour of pool audio stay at or below <paramref name="faPerHour"/>:
    /// the most permissive operating point within the budget (the top of the sweep if none is).
    /// </summary>
    public static double MiningThreshold(IReadOnlyList<PosteriorTrace> traces, EvaluationConfig evaluation, double faPerHour)
    {
        var curve = DetectionEvaluator.Run(traces, evaluation).Curve.Where(p => p.Threshold <= 1).OrderBy(p => p.Threshold).ToList();
        return curve.FirstOrDefault(p => p.FaPerHour <= faPerHour)?.Threshold ?? curve[^1].Threshold;
    }

    /// <summary>Windows [t - before, t + after] around each detection, clipped to the recording and merged where they overlap.</summary>
    public static IReadOnlyList<(double Start, double End, double Score)> Windows(IReadOnlyList<Detection> detections, double duration,
        double before, double after)
    {
        var windows = new List<(double Start, double End, double Score)>();
        foreach (var d in detections.OrderBy(d => d.Time))
        {
            var start = Math.Max(0, d.Time - before);
            var end = Math.Min(duration, d.Time + after);
            if (windows.Count > 0 && start <= windows[^1].End)
            {
                var last = windows[^1];
                windows[^1] = (last.Start, Math.Max(last.End, end), Math.Max(last.Score, d.Score));
            }
            else
            {
                windows.Add((start, end, d.Score));
            }
        }
        return windows;
    }

    private static IEnumerable<ManifestEntry> Cut(MiningOptions options, MiningClip clip, double duration, IReadOnlyList<Detection> detections,
        int round, string modelKey, int sampleRate)
    {
        var audio = WavFile.Read(clip.AudioPath, sampleRate).Samples;
        var folder = Path.Combine(options.Out, ClipsFolder, $"r{round}");
        Directory.CreateDirectory(folder);
        var inv = CultureInfo.InvariantCulture;
        foreach (var (start, end, score) in Windows(detections, duration, options.BeforeSeconds, options.AfterSeconds))
        {
            var from = (int)Math.Round(start * sampleRate);
            var to = Math.Min(audio.Length, (int)Math.Round(end * sampleRate));
            if (to - from < sampleRate / 10)
            {
                continue; // shorter than 100 ms: too little for a training window (a false alarm at the very start)
            }
            var name = $"{SafeId(clip.Id)}-{(long)Math.Round(start * 1000):D7}";
            var file = Path.Combine(folder, name + ".wav");
            WavFile.Write(file, audio.AsSpan(from, to - from), sampleRate);
            yield return new ManifestEntry
            {
                Id = $"r{round}-{name}",
                Audio = Path.GetRelativePath(options.Out, file).Replace('\\', '/'),
                Duration = Math.Round((double)(to - from) / sampleRate, 6),
                Split = "train",
                Meta = new Dictionary<string, string>
                {
                    ["source"] = clip.Id,
                    ["source_audio"] = clip.AudioPath,
                    ["start"] = ((double)from / sampleRate).ToString("0.######", inv),
                    ["score"] = score.ToString("0.####", inv),
                    ["round"] = round.ToString(inv),
                    ["model"] = modelKey,
                },
            };
        }
    }

    /// <summary>
    /// Forgets rounds <paramref name="fromRound"/> and later in a mining folder: their windows leave the manifest, their
    /// lines leave rounds.jsonl and their clips are deleted, so the next model mined there gets round
    /// <paramref name="fromRound"/>. `sal recipe` redoes a round this way when the model it mines with has changed; the
    /// cached posteriors stay (they are keyed by model, so a model seen before streams nothing again).
    /// </summary>
    public static void DropRounds(string folder, int fromRound)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }
        using var folderLock = RunLock.Acquire(folder);
        var (_, rounds) = RoundOf(folder, modelKey: "");
        var manifestPath = Path.Combine(folder, ManifestFile);
        if (File.Exists(manifestPath))
        {
            var inv = CultureInfo.InvariantCulture;
            var entries = Manifest.Load(manifestPath).Entries;
            var kept = entries.Where(e => !(int.TryParse(e.Meta?.GetValueOrDefault("round"), NumberStyles.Integer, inv, out var r) && r >= fromRound)).ToList();
            if (kept.Count == 0)
            {
                // An empty manifest is not a manifest (Manifest.Load refuses it): no windows left, no file.
                File.Delete(manifestPath);
            }
            else if (kept.Count != entries.Count)
            {
                Manifest.Save(manifestPath, kept);
            }
        }
        if (rounds.Any(r => r.Round >= fromRound))
        {
            var lines = rounds.Where(r => r.Round < fromRound).Select(r => JsonSerializer.Serialize(r, ProjectJson.Line) + "\n").ToList();
            if (lines.Count == 0)
            {
                File.Delete(Path.Combine(folder, RoundsFile));
            }
            else
            {
                AtomicFile.WriteAllText(Path.Combine(folder, RoundsFile), string.Concat(lines));
            }
        }
        var clips = Path.Combine(folder, ClipsFolder);
        foreach (var dir in Directory.Exists(clips) ? Directory.GetDirectories(clips, "r*") : [])
        {
            if (int.TryParse(Path.GetFileName(dir)[1..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) && r >= fromRound)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>This model's round (a rerun keeps its number) and the rounds already recorded.</summary>
    private static (int Round, IReadOnlyList<MiningRound> Earlier) RoundOf(string folder, string modelKey)
    {
        var path = Path.Combine(folder, RoundsFile);
        if (!File.Exists(path))
        {
            return (1, []);
        }
        var rounds = new List<MiningRound>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            rounds.Add(JsonSerializer.Deserialize<MiningRound>(line, ProjectJson.Line)
                ?? throw new InvalidDataException($"{path}:{lineNumber}: not a mining round"));
        }
        var same = rounds.FirstOrDefault(r => r.ModelKey == modelKey);
        return (same?.Round ?? (rounds.Count == 0 ? 1 : rounds.Max(r => r.Round) + 1), rounds);
    }

    /// <summary>A content key of the model (its files' bytes): posteriors cached for one model are never reused by another.</summary>
    public static string ModelKey(RunDirectory run)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in new[] { RunDirectory.ModelFile, RunDirectory.WeightsFile, RunDirectory.NormalizerFile, RunDirectory.FrontEndFile })
        {
            var path = run.PathOf(file);
            sha.AppendData(Encoding.UTF8.GetBytes(file + "\n"));
            if (File.Exists(path))
            {
                sha.AppendData(File.ReadAllBytes(path));
            }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    private static string CacheName(string modelKey, string audioPath)
    {
        var info = new FileInfo(audioPath);
        var key = string.Create(CultureInfo.InvariantCulture, $"{modelKey}|{Path.GetFullPath(audioPath)}|{info.Length}|{info.LastWriteTimeUtc.Ticks}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..24];
    }

    private static string SafeId(string id) =>
        new(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
