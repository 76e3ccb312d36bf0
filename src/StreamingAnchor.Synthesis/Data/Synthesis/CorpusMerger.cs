namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// The last step of a sharded corpus (<c>sal synth merge DIR</c>): with the folder locked exclusively, takes the shard
/// records of one complete set of parts, checks every clip's files against its sidecar digests, and writes the
/// manifest in plan order, atomically, exactly as the unsharded run would. It needs neither the settings (the marker
/// has them) nor the TTS engines, so it can run anywhere the shared folder is mounted.
/// </summary>
public static class CorpusMerger
{
    public static SynthResult Merge(string directory, IProgress<SynthProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using var folder = CorpusFolder.OpenExisting(directory);
        var shardsDir = Path.Combine(folder.WorkDirectory, ShardPart.FolderName);
        var parts = Directory.Exists(shardsDir)
            ? Directory.EnumerateFiles(shardsDir, "*.json").Order(StringComparer.Ordinal).Select(p => (Path: p, Part: ShardPart.Load(p))).ToList()
            : [];
        if (parts.Count == 0)
        {
            throw new SynthesisException($"{folder.Directory}: no finished shard to merge (run sal synth ... --shard K/N for every K first)");
        }
        // Several shard counts can have been tried in one folder; any complete set gives the same corpus.
        var sets = parts.GroupBy(p => p.Part.Count).OrderByDescending(g => g.Key).ToList();
        var complete = sets.FirstOrDefault(g => g.Select(p => p.Part.Shard).Distinct().Count() == g.Key);
        if (complete is null)
        {
            var missing = sets.Select(g => string.Join(", ", Enumerable.Range(1, g.Key).Except(g.Select(p => p.Part.Shard)).Select(k => $"{k}/{g.Key}")));
            throw new SynthesisException($"{folder.Directory}: shard(s) {string.Join("; ", missing)} have not finished; run them, then merge again");
        }
        var total = complete.First().Part.Plans;
        if (complete.Any(p => p.Part.Plans != total))
        {
            throw new SynthesisException($"{folder.Directory}: the shard records of {complete.Key} parts disagree on the corpus size; rerun the shards");
        }
        var clips = new ShardClip?[total];
        foreach (var (path, part) in complete)
        {
            foreach (var clip in part.Clips)
            {
                if (clip.Index < 0 || clip.Index >= total || clip.Index % part.Count != part.Shard - 1 || clips[clip.Index] is not null)
                {
                    throw new SynthesisException($"{path}: clip {clip.Id} at plan index {clip.Index} does not belong to shard {part.Shard}/{part.Count}; rerun that shard");
                }
                clips[clip.Index] = clip;
            }
        }
        var gap = Array.IndexOf(clips, null);
        if (gap >= 0)
        {
            throw new SynthesisException($"{folder.Directory}: no shard rendered plan index {gap} (shard {gap % complete.Key + 1}/{complete.Key}); rerun it");
        }

        var clipsDir = Path.Combine(folder.WorkDirectory, "clips");
        var entries = new List<ManifestEntry>(total);
        progress?.Report(new SynthProgress("verify", 0, total));
        for (var i = 0; i < total; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clip = clips[i]!;
            var sidecar = Path.Combine(clipsDir, clip.Id + ".json");
            // The same check a rerun applies before reusing a clip: a file lost or changed since its shard finished
            // is caught here, not in training.
            var problem = File.Exists(sidecar) ? ClipSidecar.Problem(sidecar, folder.Directory) : $"{sidecar} is missing";
            if (problem is not null)
            {
                throw new SynthesisException($"clip {clip.Id}: {problem}; rerun shard {i % complete.Key + 1}/{complete.Key} to regenerate it, then merge again");
            }
            entries.Add(Manifest.ParseLine(ClipSidecar.Read(sidecar).Entry, sidecar, 1));
            progress?.Report(new SynthProgress("verify", i + 1, total));
        }
        var manifestPath = Path.Combine(folder.Directory, CorpusGenerator.ManifestName);
        Manifest.Save(manifestPath, entries);
        progress?.Report(new SynthProgress("manifest", 1, 1, manifestPath));
        return new SynthResult(manifestPath, entries.Count, entries.Count, entries.Sum(e => e.Duration) / 3600, []);
    }
}
