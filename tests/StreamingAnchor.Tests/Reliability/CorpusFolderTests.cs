using System.Diagnostics;
using StreamingAnchor.Data;
using StreamingAnchor.Data.Synthesis;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Tests.Synthesis;

namespace StreamingAnchor.Tests.Reliability;

/// <summary>
/// The failure behaviour of <c>sal synth</c>'s output folder: ownership, the writer lock, reruns that verify what they
/// reuse, parallel failures that name their clip, and a killed run that resumes to the same bytes.
/// </summary>
public sealed class CorpusFolderTests
{
    /// <summary>The CLI arguments of the tiny corpus of <see cref="SynthFixture.Tiny"/> (onset task, 6 clips).</summary>
    private static string[] TinyArgs(string dir, int clips = 6, string seed = "7", string workers = "2") =>
        ["synth", "onset", "--out", dir, "--clips", clips.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", seed,
            "--clip-seconds", "4", "--engines", "espeak", "--sources", "none", "--workers", workers];

    /// <summary>Every file of a corpus except the work folder (caches, sidecars), by relative path.</summary>
    private static Dictionary<string, byte[]> Files(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(dir, f).StartsWith(CorpusFolder.WorkName, StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    private static void AssertSameFiles(Dictionary<string, byte[]> expected, string dir)
    {
        var actual = Files(dir);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"{name} differs");
        }
    }

    [Fact]
    public void AForeignManifestIsRefusedAndLeftAsItWas()
    {
        using var folder = new ScratchDir();
        var manifest = folder.File(CorpusGenerator.ManifestName);
        File.WriteAllText(manifest, "{\"id\":\"mine\"}\n");

        var ex = Assert.Throws<SynthesisException>(() => CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Onset, folder.Path, 4)));
        Assert.Equal($"{folder.Path} holds a manifest.jsonl that sal synth did not write; choose an empty folder or pass --force", ex.Message);
        Assert.Equal([CorpusGenerator.ManifestName], Directory.EnumerateFileSystemEntries(folder.Path).Select(e => Path.GetFileName(e)).ToArray());
        Assert.Equal("{\"id\":\"mine\"}\n", File.ReadAllText(manifest));

        // Other files are refused too, through the CLI as one line.
        using var other = new ScratchDir();
        File.WriteAllText(other.File("notes.txt"), "keep me");
        var (code, _, stderr) = SalProcess.Run(TinyArgs(other.Path, clips: 4));
        Assert.Equal(1, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains($"{other.Path} is not empty", stderr);
        Assert.Contains("'notes.txt'", stderr);
        Assert.Contains("--force", stderr);
    }

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void ForceTakesOverAForeignFolderWithoutDeletingItsFiles()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        using var folder = new ScratchDir();
        File.WriteAllText(folder.File(CorpusGenerator.ManifestName), "{\"id\":\"mine\"}\n");
        File.WriteAllText(folder.File("notes.txt"), "keep me");

        var (code, stdout, stderr) = SalProcess.Run([.. TinyArgs(folder.Path, clips: 4), "--force"]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Equal(4, Manifest.Load(folder.File(CorpusGenerator.ManifestName)).Entries.Count);
        Assert.Equal("keep me", File.ReadAllText(folder.File("notes.txt")));
        Assert.Contains("\"writer\": \"sal synth\"", File.ReadAllText(folder.File(CorpusFolder.MarkerName)));

        // Now the folder is ours: the same command needs no --force and reuses every clip.
        (code, stdout, stderr) = SalProcess.Run(TinyArgs(folder.Path, clips: 4));
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("(4 reused, 0 regenerated)", stdout);
    }

    [SkippableFact]
    public void OtherSettingsAreRefusedNamingTheChangeAndForceStartsOver()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var dir = SynthFixture.TempDir("settings");
        var fresh = SynthFixture.TempDir("settings-fresh");
        try
        {
            CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Onset, dir, 4));
            var before = Files(dir);

            var other = SynthFixture.Tiny(SynthTask.Onset, dir, 5) with { Seed = 8 };
            var ex = Assert.Throws<SynthesisException>(() => CorpusGenerator.Generate(other));
            Assert.StartsWith($"{dir} holds a corpus made by sal synth with other settings (settings changed: ", ex.Message);
            Assert.Contains("clips 4 -> 5", ex.Message);
            Assert.Contains("seed 7 -> 8", ex.Message);
            Assert.DoesNotContain("workers", ex.Message);
            Assert.EndsWith("choose another --out or pass --force to discard it and start over", ex.Message);
            AssertSameFiles(before, dir);

            // The worker count does not change the output, so it is no reason to refuse.
            Assert.Equal(4, CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Onset, dir, 4) with { Workers = 1 }).ClipsReused);

            // --force discards the old corpus: the folder ends exactly like a fresh one, no clip of seed 7 left over.
            var forced = CorpusGenerator.Generate(other with { Force = true });
            Assert.Equal(0, forced.ClipsReused);
            CorpusGenerator.Generate(other with { OutputDirectory = fresh });
            AssertSameFiles(Files(fresh), dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
            Directory.Delete(fresh, recursive: true);
        }
    }

    [SkippableFact]
    public void ACorpusFromBeforeTheMarkerIsAdoptedWhenItsSettingsMatch()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        using var folder = new ScratchDir();
        var config = SynthFixture.Tiny(SynthTask.Onset, folder.Path, 4);
        // What an earlier sal synth left: its settings in .work/config.json, sidecars without digests, a manifest.
        var legacy = Path.Combine(folder.Path, CorpusFolder.WorkName, "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(legacy)!);
        File.WriteAllText(legacy, System.Text.Json.JsonSerializer.Serialize(config with { OutputDirectory = "", SourceCacheDirectory = "", Workers = 0 }));
        File.WriteAllText(folder.File(CorpusGenerator.ManifestName), "{}\n");

        var ex = Assert.Throws<SynthesisException>(() => CorpusGenerator.Generate(config with { Seed = 9 }));
        Assert.Contains("made by an earlier sal synth with other settings", ex.Message);

        var result = CorpusGenerator.Generate(config);
        Assert.Equal(4, Manifest.Load(result.ManifestPath).Entries.Count);
        Assert.True(File.Exists(folder.File(CorpusFolder.MarkerName)));
        Assert.False(File.Exists(legacy));
    }

    [SkippableFact]
    public void AFormat1MarkerIsAdoptedWhenItsSettingsMatchAndBroughtUpToDate()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        using var folder = new ScratchDir();
        var config = SynthFixture.Tiny(SynthTask.Onset, folder.Path, 4);
        CorpusGenerator.Generate(config);
        // The marker as sal synth wrote it before one casing: format 1, settings in PascalCase, enums by their C# names.
        var settings = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(config,
            new System.Text.Json.JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } }))!.AsObject();
        foreach (var key in new[] { "OutputDirectory", "SourceCacheDirectory", "Workers" })
        {
            settings.Remove(key);
        }
        Assert.Equal("Onset", settings["Task"]!.GetValue<string>());
        var marker = new System.Text.Json.Nodes.JsonObject { ["writer"] = "sal synth", ["format"] = 1, ["config"] = settings };
        File.WriteAllText(folder.File(CorpusFolder.MarkerName), marker.ToJsonString());

        var ex = Assert.Throws<SynthesisException>(() => CorpusGenerator.Generate(config with { Seed = 9 }));
        Assert.Contains("is format 1: Seed 7 -> 9", ex.Message);

        Assert.Equal(4, CorpusGenerator.Generate(config).ClipsReused);
        var rewritten = File.ReadAllText(folder.File(CorpusFolder.MarkerName));
        Assert.Contains($"\"format\": {CorpusFolder.MarkerFormat}", rewritten);
        Assert.Contains("\"task\": \"onset\"", rewritten);
    }

    [Fact]
    public void ASecondWriterIsRefusedNamingTheHoldersPid()
    {
        using var folder = new ScratchDir();
        var config = SynthFixture.Tiny(SynthTask.Onset, folder.Path, 4);
        using (CorpusFolder.Open(config))
        {
            var ex = Assert.Throws<SynthesisException>(() => CorpusFolder.Open(config));
            Assert.Equal($"{folder.Path} is being written by another sal synth (pid {Environment.ProcessId}, holding " +
                $"{folder.File(CorpusFolder.LockName)}); wait for it to finish or choose another --out", ex.Message);

            // Another process is kept out the same way, by the OS lock.
            var (code, _, stderr) = SalProcess.Run(TinyArgs(folder.Path, clips: 4));
            Assert.Equal(1, code);
            Assert.Single(stderr.Trim().Split('\n'));
            Assert.Contains($"being written by another sal synth (pid {Environment.ProcessId}", stderr);
        }

        // Released: the next writer gets in, and the pid file went with the holder.
        Assert.False(File.Exists(folder.File(CorpusFolder.OwnerName)));
        using (CorpusFolder.Open(config))
        {
            Assert.Equal($"{Environment.ProcessId}", File.ReadAllText(folder.File(CorpusFolder.OwnerName)).Trim());
        }
    }

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void TwoConcurrentSynthProcessesIntoOneFolderTheSecondFailsWithTheFirstsPid()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        using var folder = new ScratchDir();
        // Large enough that the first run is still busy when the second starts; it is killed once that is checked.
        using var first = Start(TinyArgs(folder.Path, clips: 400, workers: "1"));
        try
        {
            WaitFor(() => File.Exists(folder.File(CorpusFolder.OwnerName)) || first.HasExited, "the first run to take the lock");
            if (first.HasExited)
            {
                Assert.Fail($"the first run ended before the second started: {first.StandardError.ReadToEnd()}");
            }
            var (code, _, stderr) = SalProcess.Run(TinyArgs(folder.Path, clips: 400, workers: "1"));
            Assert.Equal(1, code);
            Assert.Single(stderr.Trim().Split('\n'));
            Assert.Contains($"being written by another sal synth (pid {first.Id}, holding {folder.File(CorpusFolder.LockName)})", stderr);
        }
        finally
        {
            Stop(first);
        }
    }

    [SkippableFact]
    public void DeletedEmptiedOrAlteredFilesAreRegeneratedToTheSameBytes()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var dir = SynthFixture.TempDir("verify");
        try
        {
            var first = CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Trigger, dir, 6));
            var before = Files(dir);
            var entries = Manifest.Load(first.ManifestPath).Entries;
            var wavs = entries.Select(e => Path.Combine(dir, e.Audio)).ToList();
            File.Delete(wavs[0]);
            File.WriteAllBytes(wavs[1], []);
            var bytes = File.ReadAllBytes(wavs[2]);
            bytes[^1] ^= 0x40; // same size, other content: only the hash can tell
            File.WriteAllBytes(wavs[2], bytes);
            File.Delete(Path.Combine(dir, entries[3].Streams!["accel"]));

            var rerun = CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Trigger, dir, 6));
            Assert.Equal(4, rerun.ClipsRegenerated);
            Assert.Equal(2, rerun.ClipsReused);
            var note = Assert.Single(rerun.Warnings, w => w.Contains("regenerated", StringComparison.Ordinal));
            Assert.StartsWith($"4 clip(s) from the earlier run were missing or changed on disk and were regenerated: {wavs[0]} is missing", note);
            AssertSameFiles(before, dir);

            // Nothing is wrong any more, so nothing is regenerated.
            var again = CorpusGenerator.Generate(SynthFixture.Tiny(SynthTask.Trigger, dir, 6));
            Assert.Equal((0, 6), (again.ClipsRegenerated, again.ClipsReused));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AParallelFailureIsTheFirstCauseNotAnAggregate()
    {
        var ex = Assert.Throws<IOException>(() => ParallelWork.For(64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            if (i % 3 == 0)
            {
                throw new IOException($"item {i} failed");
            }
        }));
        Assert.Matches(@"^item \d+ failed$", ex.Message);
        Assert.Contains(nameof(AParallelFailureIsTheFirstCauseNotAnAggregate), ex.StackTrace);
    }

    [SkippableFact]
    public void AFailingClipIsOneErrorNamingTheClip()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var dir = SynthFixture.TempDir("clip-error");
        try
        {
            var config = SynthFixture.Tiny(SynthTask.Onset, dir, 6);
            var result = CorpusGenerator.Generate(config);
            var train = Manifest.Load(result.ManifestPath).Entries.Where(e => e.Split == "train").Select(e => e.Id).ToList();
            Assert.True(train.Count >= 2);
            // Every train clip is now missing and cannot be written back: a file stands where their folder was.
            var trainAudio = Path.Combine(dir, "audio", "train");
            Directory.Delete(trainAudio, recursive: true);
            File.WriteAllText(trainAudio, "in the way");

            var ex = Assert.Throws<SynthesisException>(() => CorpusGenerator.Generate(config));
            var match = System.Text.RegularExpressions.Regex.Match(ex.Message, @"^clip (\S+): ");
            Assert.True(match.Success, ex.Message);
            Assert.Contains(match.Groups[1].Value, train);
            Assert.Contains(trainAudio, ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void AKilledSynthResumesToTheBytesOfAnUninterruptedRun()
    {
        Skip.If(!SynthFixture.EspeakAvailable, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        using var whole = new ScratchDir();
        using var resumed = new ScratchDir();
        var (code, stdout, stderr) = SalProcess.Run(TinyArgs(whole.Path, clips: 10));
        Assert.True(code == 0, stdout + stderr);

        var clips = Path.Combine(resumed.Path, CorpusFolder.WorkName, "clips");
        using (var run = Start(TinyArgs(resumed.Path, clips: 10)))
        {
            WaitFor(() => run.HasExited || (Directory.Exists(clips) && Directory.GetFiles(clips, "*.json").Length >= 3), "three rendered clips");
            Stop(run);
        }
        Assert.False(File.Exists(resumed.File(CorpusGenerator.ManifestName)) && Directory.GetFiles(clips, "*.json").Length < 10);

        // Whether the kill landed mid-render or the run had already finished, two finished clips are then damaged.
        var finished = Directory.GetFiles(clips, "*.json").Order(StringComparer.Ordinal)
            .Select(s => Path.Combine(resumed.Path, ClipSidecar.Read(s).Files[0].Path)).ToList();
        File.WriteAllBytes(finished[0], []);
        using (var truncate = new FileStream(finished[1], FileMode.Open))
        {
            truncate.SetLength(truncate.Length / 2);
        }

        (code, stdout, stderr) = SalProcess.Run(TinyArgs(resumed.Path, clips: 10));
        Assert.True(code == 0, stdout + stderr);
        Assert.Matches(@"\(\d+ reused, 2 regenerated\)", stdout);
        AssertSameFiles(Files(whole.Path), resumed.Path);
    }

    private static Process Start(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sal.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        var process = Process.Start(info)!;
        // Drained so a full pipe never stalls the child.
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        process.WaitForExit();
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"waited 60 s for {what}");
            }
            Thread.Sleep(20);
        }
    }
}
