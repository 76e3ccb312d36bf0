using System.Globalization;
using StreamingAnchor.Tests.Data;

namespace StreamingAnchor.Tests.Training;

/// <summary>`sal bench data` on a tiny manifest: a row per size and storage, each from its own child process.</summary>
public class BenchDataCommandTests
{
    [Fact]
    [Trait("Category", "E2E")]
    public void PrintsARowPerSizeAndStorageWithTheStoreOnlyWhenMapped()
    {
        using var c = new TinyCorpus();
        var (code, stdout, stderr) = SalProcess.Run("bench", "data", "--data", c.Manifest, "--hours", "0.0002", "1", "--repeat", "3",
            "--storage", "mapped", "memory", "--batch-size", "4", "--window", "1", "--max-steps", "1", "--preset", "small");

        Assert.True(code == 0, stderr);
        var rows = SalProcess.Lines(stdout).Skip(3).Select(l => l.Split('\t')).ToList();
        // 2 sizes x 2 storages, 3 copies of each clip: the first size takes one clip (1 s), the second all 8 train clips (18.4 s).
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(13, r.Length));
        Assert.Equal(["3", "3", "24", "24"], rows.Select(r => r[1]));
        Assert.Equal(["mapped", "memory", "mapped", "memory"], rows.Select(r => r[2]));
        Assert.All(rows.Where(r => r[2] == "memory"), r => Assert.Equal("0", r[5]));
        Assert.All(rows, r => Assert.True(double.Parse(r[11].TrimEnd('*'), CultureInfo.InvariantCulture) > 0));
        Assert.All(rows, r => Assert.Equal("1", r[8]));
    }

    [Fact]
    public void BadStorageIsAUsageError()
    {
        var (code, _, stderr) = SalProcess.Run("bench", "data", "--data", "x.jsonl", "--storage", "disk");
        Assert.Equal(2, code);
        Assert.Contains("--storage", Assert.Single(SalProcess.Lines(stderr)));
    }
}
