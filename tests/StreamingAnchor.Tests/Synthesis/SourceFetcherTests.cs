using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

public sealed class SourceFetcherTests
{
    [SkippableFact]
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
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
