using System.Text.Json;
using StreamingAnchor.Tests.Data;

namespace StreamingAnchor.Tests.Synthesis;

public sealed class SynthCliTests
{
    [SkippableFact]
    [Trait("Category", "E2E")]
    public void SplitsOptionSetsTheShareOfEverySplit()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var dir = SynthFixture.TempDir("cli-splits");
        try
        {
            var (code, stdout, stderr) = SalProcess.Run("synth", "kws", "--out", dir, "--clips", "10", "--clip-seconds", "3",
                "--engines", "espeak", "--sources", "none", "--splits", "0.5:0.1:0.4", "--workers", "2");
            Assert.True(code == 0, stdout + stderr);
            var splits = File.ReadLines(Path.Combine(dir, "manifest.jsonl"))
                .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("split").GetString())
                .GroupBy(s => s).ToDictionary(g => g.Key!, g => g.Count());
            Assert.Equal(5, splits["train"]);
            Assert.Equal(1, splits["dev"]);
            Assert.Equal(4, splits["test"]);
            // The summary printed at the end: clips per split as the manifest has them, no long streams with --clips.
            var rows = stdout.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length > 3).ToList();
            Assert.Equal(["5", "0"], rows.Single(f => f[0] == "train")[1..3]);
            Assert.Equal(["4", "0"], rows.Single(f => f[0] == "test")[1..3]);
            Assert.Contains("disk: audio", stdout);
            // Progress goes to stderr, results to stdout.
            Assert.Contains("render: ", stderr);
            Assert.DoesNotContain("render: ", stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("0.5:0.5")]
    [InlineData("0.5:0.2:0.2")]
    [InlineData("0:0.5:0.5")]
    [InlineData("a:b:c")]
    public void BadSplitsAreOneLineErrorsAndWriteNothing(string splits)
    {
        var parent = SynthFixture.TempDir("cli-bad-splits");
        var dir = Path.Combine(parent, "out");
        var (code, _, stderr) = SalProcess.Run("synth", "kws", "--out", dir, "--clips", "4", "--splits", splits);
        Directory.Delete(parent, recursive: true);
        Assert.Equal(2, code);
        Assert.Contains("--splits", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public void AKeywordAccentShareOutsideZeroToOneIsAOneLineUsageErrorNamingTheFlag(string share)
    {
        var parent = SynthFixture.TempDir("cli-bad-accents");
        var dir = Path.Combine(parent, "out");
        var (code, _, stderr) = SalProcess.Run("synth", "kws", "--out", dir, "--clips", "4", "--keyword-accents", share);
        Directory.Delete(parent, recursive: true);
        Assert.Equal(2, code);
        Assert.Equal($"error: --keyword-accents must be a share within [0, 1], got {share}", stderr.Trim());
        Assert.False(Directory.Exists(dir));
    }
}
