namespace StreamingAnchor.Tests.Data;

public class DataPrepareCommandTests
{
    [Fact]
    public void PrepareFillsTheCacheAndReportsTheEpoch()
    {
        using var c = new TinyCorpus(streams: true);

        var run = SalProcess.Run("data", "prepare", c.Manifest, "--task", "kws", "--labels", "hey", "--cache", c.Cache,
            "--window-seconds", "1.2", "--batch-size", "4", "--specaugment");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("train: 8 clips, 1734 frames, 10 anchors", run.Stdout);
        Assert.Contains("input dim 42 (mel 40 + acc), classes 1", run.Stdout);
        Assert.Contains("train epoch 0: ", run.Stdout);
        Assert.NotEmpty(Directory.GetFiles(c.Cache, "*.npy", SearchOption.AllDirectories));

        var bad = SalProcess.Run("data", "prepare", c.Manifest, "--task", "asr");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("error: --task: unknown task 'asr' (expected kws, onset or trigger)", bad.Stderr);
    }
}
