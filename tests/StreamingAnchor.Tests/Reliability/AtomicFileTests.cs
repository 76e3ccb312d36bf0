using System.Diagnostics;

namespace StreamingAnchor.Tests.Reliability;

/// <summary>Temp files left by killed writers are swept; a live writer's temp file never is.</summary>
public sealed class AtomicFileTests
{
    /// <summary>A pid that ran and is gone: a child that has exited and been reaped.</summary>
    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        var pid = p.Id;
        Assert.False(AtomicFile.IsAlive(pid));
        return pid;
    }

    [Fact]
    public void TheFirstWriteIntoAFolderSweepsTempsOfDeadWritersOnly()
    {
        using var dir = new ScratchDir();
        var dead = dir.File($".a.json{AtomicFile.TempMarker}{DeadPid()}-0123abcd");
        var live = dir.File($".b.json{AtomicFile.TempMarker}{Environment.ProcessId}-4567ef01");
        var notOurs = dir.File(".c.json.tmp-notapid-zz");
        foreach (var f in new[] { dead, live, notOurs })
        {
            File.WriteAllText(f, "partial");
        }

        AtomicFile.WriteAllText(dir.File("new.json"), "{}");

        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(notOurs));
        Assert.Equal("{}", File.ReadAllText(dir.File("new.json")));
        Assert.Equal(3, Directory.GetFiles(dir.Path).Length);
    }

    [Fact]
    public void SweepCountsWhatItRemovesAndKeepsTheParentProcessesTemps()
    {
        using var dir = new ScratchDir();
        File.WriteAllText(dir.File($".x{AtomicFile.TempMarker}{DeadPid()}-aa"), "");
        File.WriteAllText(dir.File($".y{AtomicFile.TempMarker}{DeadPid()}-bb"), "");
        // Our parent (the test host's launcher) is another live process: its temp file must survive the sweep.
        var stat = File.ReadAllText($"/proc/{Environment.ProcessId}/stat");
        var parent = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1];
        var parentTemp = dir.File($".z{AtomicFile.TempMarker}{parent}-cc");
        File.WriteAllText(parentTemp, "");

        Assert.Equal(2, AtomicFile.SweepStaleTemps(dir.Path));
        Assert.True(File.Exists(parentTemp));
        Assert.Equal(0, AtomicFile.SweepStaleTemps(dir.Path));
    }

    [Theory]
    [InlineData(".model.json.tmp-123-9f8e", 123)]
    [InlineData(".a.tmp-b.tmp-77-ab", 77)]
    [InlineData("model.json.tmp-123-9f8e", null)]
    [InlineData(".model.json.tmp-123-", null)]
    [InlineData(".model.json.tmp--5-ab", null)]
    [InlineData(".model.json.tmp-123-xyz", null)]
    [InlineData(".model.json.123.abc.tmp", null)]
    public void TempNamesParseToTheirWriter(string name, int? pid) => Assert.Equal(pid, AtomicFile.TempOwner(name));

    [Fact]
    public void AFailedWriteLeavesTheOldFileAndNoTemp()
    {
        using var dir = new ScratchDir();
        var path = dir.File("keep.txt");
        AtomicFile.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, tmp =>
        {
            File.WriteAllText(tmp, "half");
            throw new InvalidOperationException("killed");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
