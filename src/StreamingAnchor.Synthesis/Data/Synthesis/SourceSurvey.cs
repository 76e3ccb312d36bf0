namespace StreamingAnchor.Data.Synthesis;

/// <summary>What one catalogued source holds, measured from the decoded cache (<c>sal synth sources</c>).</summary>
public sealed record SourceMeasure(RealSource Source, string? Version, int Files, int Undecodable, double Seconds, string? Problem)
{
    public double Minutes => Seconds / 60;
}

/// <summary>
/// Fetches, unpacks and decodes catalogued sources into the cache (the same work, and the same cache, as a first
/// <c>sal synth</c> run) and measures them: files, decodable minutes, package version. The numbers in docs/data.md
/// come from here.
/// </summary>
public static class SourceSurvey
{
    private const int Batch = 200;

    /// <summary>
    /// Measures the sources: from the audio headers (soxi; G.722 from its constant 64 kbit/s), or with
    /// <paramref name="decode"/> by decoding every file into the cache (slow the first time; warms it for sal synth).
    /// </summary>
    public static IReadOnlyList<SourceMeasure> Measure(IReadOnlyList<RealSource> sources, string cacheDirectory, int workers, bool decode,
        IProgress<SynthProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var fetcher = new SourceFetcher(cacheDirectory);
        progress?.Report(new SynthProgress("sources", 0, sources.Count, "download"));
        fetcher.Prefetch(sources, cancellationToken);
        var found = new List<(IReadOnlyList<RealFile> Files, string? Problem)>();
        foreach (var source in sources)
        {
            found.Add(fetcher.Ensure(source, cancellationToken));
            progress?.Report(new SynthProgress("sources", found.Count, sources.Count, source.Name));
        }
        var files = found.SelectMany(f => f.Files).ToList();
        var seconds = new double[files.Count];
        var failed = new bool[files.Count];
        var done = 0;
        var stage = decode ? "decode" : "measure";
        progress?.Report(new SynthProgress(stage, 0, files.Count));
        if (decode)
        {
            ParallelWork.For(files.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = cancellationToken },
                i =>
                {
                    try
                    {
                        seconds[i] = fetcher.Frames(files[i], cancellationToken) / (double)SourceFetcher.DecodedRate;
                    }
                    catch (SynthesisException)
                    {
                        failed[i] = true; // counted per source below, and named by the fetcher's failure summary
                    }
                    progress?.Report(new SynthProgress(stage, Interlocked.Increment(ref done), files.Count));
                });
        }
        else
        {
            // Headers only: one soxi process per batch of files (a process per file costs minutes on a loaded machine).
            var batches = Enumerable.Range(0, (files.Count + Batch - 1) / Batch).ToList();
            ParallelWork.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = cancellationToken },
                b =>
                {
                    var indices = Enumerable.Range(b * Batch, Math.Min(Batch, files.Count - (b * Batch))).ToList();
                    foreach (var (i, d) in Durations(indices.Select(i => files[i]).ToList(), cancellationToken).Select((d, k) => (indices[k], d)))
                    {
                        seconds[i] = d ?? 0;
                        failed[i] = d is null;
                    }
                    progress?.Report(new SynthProgress(stage, Interlocked.Add(ref done, indices.Count), files.Count));
                });
        }
        var result = new List<SourceMeasure>();
        var offset = 0;
        for (var s = 0; s < sources.Count; s++)
        {
            var (list, problem) = found[s];
            var range = Enumerable.Range(offset, list.Count).ToList();
            offset += list.Count;
            result.Add(new SourceMeasure(sources[s], fetcher.PackageVersion(sources[s]), list.Count, range.Count(i => failed[i]),
                range.Sum(i => seconds[i]), problem));
        }
        foreach (var line in fetcher.FailureSummary())
        {
            progress?.Report(new SynthProgress("warning", 0, 0, line));
        }
        return result;
    }

    /// <summary>Seconds of each file from its header (null: unreadable), in order.</summary>
    private static IReadOnlyList<double?> Durations(IReadOnlyList<RealFile> files, CancellationToken cancellationToken)
    {
        var result = new double?[files.Count];
        var viaSoxi = new List<int>();
        for (var i = 0; i < files.Count; i++)
        {
            var ext = Path.GetExtension(files[i].FullPath).ToLowerInvariant();
            if (ext == ".g722")
            {
                // Raw G.722 is 64 kbit/s: 8000 bytes a second, whatever the content.
                result[i] = new FileInfo(files[i].FullPath).Length / 8000.0;
            }
            else if (ext == ".opus")
            {
                result[i] = Probe(files[i], cancellationToken);
            }
            else
            {
                viaSoxi.Add(i);
            }
        }
        if (viaSoxi.Count > 0)
        {
            var run = ToolRunner.Run("soxi", ["-D", .. viaSoxi.Select(i => files[i].FullPath)], cancellationToken: cancellationToken);
            var lines = run.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // soxi prints nothing for a file it cannot read: then the batch cannot be aligned and is read file by file.
            if (lines.Length == viaSoxi.Count && lines.All(l => double.TryParse(l, System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture, out _)))
            {
                for (var k = 0; k < lines.Length; k++)
                {
                    result[viaSoxi[k]] = SpeechCut.ParseSeconds(lines[k]);
                }
            }
            else
            {
                foreach (var i in viaSoxi)
                {
                    result[i] = Probe(files[i], cancellationToken);
                }
            }
        }
        return result;
    }

    private static double? Probe(RealFile file, CancellationToken cancellationToken)
    {
        var run = ToolRunner.Run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", "file:" + Path.GetFullPath(file.FullPath)],
            cancellationToken: cancellationToken);
        return run.ExitCode == 0 && double.TryParse(run.StdoutText.Trim(), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;
    }
}
