using StreamingAnchor.Data.Synthesis;
using StreamingAnchor.Tests.Data;

namespace StreamingAnchor.Tests.Synthesis;

/// <summary>
/// `sal synth --shard K/N` and `sal synth merge`: concurrent parts of one corpus in one shared folder, merged into the
/// same bytes as an unsharded run.
/// </summary>
public sealed class ShardTests
{
    /// <summary>Every file of a corpus except the work folder (caches, sidecars, shard records), by relative path.</summary>
    private static Dictionary<string, byte[]> Files(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(dir, f).StartsWith(CorpusFolder.WorkName, StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    [Theory]
    [InlineData("1/4", 1, 4)]
    [InlineData(" 3 / 3 ", 3, 3)]
    public void AShardParsesAsKOfN(string text, int index, int count) => Assert.Equal(new SynthShard(index, count), SynthShard.Parse(text));

    [Theory]
    [InlineData("0/4")]
    [InlineData("5/4")]
    [InlineData("1/0")]
    [InlineData("-1/2")]
    [InlineData("2")]
    [InlineData("a/b")]
    public void AMalformedShardIsAUsageError(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => SynthShard.Parse(text));
        Assert.Equal($"--shard must look like K/N with 1 <= K <= N (e.g. 1/4), got '{text}'", ex.Message);
    }

    [Fact]
    public void ShardsAreDisjointAndCoverThePlan()
    {
        foreach (var n in new[] { 1, 2, 3, 7 })
        {
            var owners = Enumerable.Range(0, 20).Select(i => Enumerable.Range(1, n).Where(k => new SynthShard(k, n).Owns(i)).ToList()).ToList();
            Assert.All(owners, o => Assert.Single(o));
        }
    }

    [Fact]
    public void ShardsShareTheFolderButExcludeTheWholeRunTheMergeAndThemselves()
    {
        using var folder = new ScratchDir();
        var config = SynthFixture.Tiny(SynthTask.Onset, folder.Path, 4);
        using (CorpusFolder.Open(config with { Shard = new SynthShard(1, 2) }))
        using (CorpusFolder.Open(config with { Shard = new SynthShard(2, 2) }))
        {
            var again = Assert.Throws<SynthesisException>(() => CorpusFolder.Open(config with { Shard = new SynthShard(1, 2) }));
            Assert.Contains($"shard 1/2 is being written by another sal synth (pid {Environment.ProcessId}", again.Message);
            var whole = Assert.Throws<SynthesisException>(() => CorpusFolder.Open(config));
            Assert.Contains($"being written by another sal synth (shard 1-of-2 pid {Environment.ProcessId}, shard 2-of-2 pid {Environment.ProcessId}", whole.Message);
            Assert.Throws<SynthesisException>(() => CorpusFolder.OpenExisting(folder.Path));
        }
        using (CorpusFolder.Open(config))
        {
            Assert.Throws<SynthesisException>(() => CorpusFolder.Open(config with { Shard = new SynthShard(1, 2) }));
        }
        var forced = Assert.Throws<ArgumentException>(() => CorpusGenerator.Generate(config with { Shard = new SynthShard(1, 2), Force = true }));
        Assert.Contains("--force cannot be combined with --shard", forced.Message);
    }

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void TwoConcurrentShardsAndAMergeGiveTheUnshardedCorpusByteForByte()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        using var whole = new ScratchDir();
        using var sharded = new ScratchDir();
        var expected = CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Onset, whole.Path, 6) with { Workers = 1 });

        // Shard 1 alone cannot be merged: the merge names the missing part and writes nothing.
        var config = SynthFixture.Tiny(SynthTask.Onset, sharded.Path, 6) with { Workers = 1 };
        var first = CorpusGenerator.Generate(config with { Shard = new SynthShard(1, 2) });
        Assert.Equal(3, first.Clips);
        Assert.False(File.Exists(Path.Combine(sharded.Path, CorpusGenerator.ManifestName)));
        var early = Assert.Throws<SynthesisException>(() => CorpusMerger.Merge(sharded.Path));
        Assert.Contains("shard(s) 2/2 have not finished", early.Message);

        // Both shards side by side in the same folder (shard 1 again: it reuses its clips), then the merge via the CLI.
        var runs = new[] { 1, 2 }.Select(k => Task.Run(() => CorpusGenerator.Generate(config with { Shard = new SynthShard(k, 2) }))).ToArray();
        Task.WaitAll(runs);
        Assert.Equal(3, runs[0].Result.ClipsReused);
        Assert.Equal(0, runs[1].Result.ClipsReused);
        var (code, stdout, stderr) = SalProcess.Run("synth", "merge", sharded.Path);
        Assert.True(code == 0, stderr);
        Assert.Contains($"wrote {Path.Combine(sharded.Path, CorpusGenerator.ManifestName)}: 6 clips", stdout);

        var fa = Files(whole.Path);
        var fb = Files(sharded.Path);
        Assert.Equal(fa.Keys.Order(StringComparer.Ordinal), fb.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(6, fa.Keys.Count(k => k.EndsWith(".wav", StringComparison.Ordinal)));
        foreach (var (name, bytes) in fa)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(fb[name]), $"{name} differs");
        }
        Assert.Equal(File.ReadAllBytes(expected.ManifestPath), File.ReadAllBytes(Path.Combine(sharded.Path, CorpusGenerator.ManifestName)));

        // A clip damaged after its shard finished is caught by the merge, which names the shard to rerun.
        var wav = Directory.EnumerateFiles(Path.Combine(sharded.Path, "audio"), "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        File.WriteAllBytes(wav, [.. File.ReadAllBytes(wav).Take(100)]);
        var damaged = Assert.Throws<SynthesisException>(() => CorpusMerger.Merge(sharded.Path));
        Assert.Matches(@"rerun shard [12]/2 to regenerate it", damaged.Message);
    }

    [Fact]
    public void AnUnreadableShardRecordNamesTheFieldAndWhatWasExpected()
    {
        using var dir = new ScratchDir();
        var path = dir.File("1-of-2.json");
        File.WriteAllText(path, "{\n  \"shard\": 1,\n  \"count\": \"two\",\n  \"plans\": 4,\n  \"clips\": []\n}\n");
        var ex = Assert.Throws<InvalidDataException>(() => ShardPart.Load(path));
        Assert.Equal($"{path}:3: field 'count' must be a whole number, got the string \"two\"; rerun that shard", ex.Message);
    }
}
