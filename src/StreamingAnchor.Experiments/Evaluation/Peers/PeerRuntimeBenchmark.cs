namespace StreamingAnchor.Evaluation.Peers;

/// <summary>One peer's streaming cost on one thread: CPU µs per call of its native chunk and per 10 ms of audio.</summary>
public sealed record PeerRuntimeRow(string Name, long Parameters, int SamplesPerCall, double CpuMicrosecondsPerCall)
{
    /// <summary>CPU µs per 10 ms (160 samples) of audio, comparable with a model's µs per frame.</summary>
    public double CpuMicrosecondsPer10Ms => CpuMicrosecondsPerCall * PeerScorer.Grid.HopSamples / SamplesPerCall;
}

/// <summary>
/// The peers' per-call cost measured the way `sal bench models` measures ours (thread CPU time, one intra-op thread,
/// after warm-up), on noise: openWakeWord (its ONNX mel + embedding + head per 80 ms chunk) and Silero VAD v5 (per
/// 32 ms window), each through the same wrappers `sal peers` scores with.
/// </summary>
public static class PeerRuntimeBenchmark
{
    public static IReadOnlyList<PeerRuntimeRow> Run(PeerModelCache cache, int frames, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var rng = new Random(4321);
        var rows = new List<PeerRuntimeRow>();

        progress?.Report("openWakeWord (hey jarvis)");
        using (var oww = OpenWakeWordModel.FromCache(cache, PeerFactory.OpenWakeWordHeadFile("hey jarvis"), progress))
        {
            var stream = new OpenWakeWordStream(oww);
            // openWakeWord takes int16-scale samples.
            var chunk = Enumerable.Range(0, OpenWakeWordStream.ChunkSamples).Select(_ => (float)(3000 * (rng.NextDouble() * 2 - 1))).ToArray();
            var calls = Math.Max(1, frames * PeerScorer.Grid.HopSamples / OpenWakeWordStream.ChunkSamples);
            var cpu = Time(calls, () => stream.Push(chunk));
            rows.Add(new PeerRuntimeRow(oww.Name, oww.LearnedStats.Parameters + oww.FrontEndStats.Parameters, OpenWakeWordStream.ChunkSamples, cpu));
        }

        progress?.Report("Silero VAD v5");
        using (var silero = SileroVadModel.FromCache(cache, 5, progress))
        {
            var state = silero.InitialState();
            var window = Enumerable.Range(0, SileroVadModel.WindowSamples).Select(_ => (float)(0.1 * (rng.NextDouble() * 2 - 1))).ToArray();
            var calls = Math.Max(1, frames * PeerScorer.Grid.HopSamples / SileroVadModel.WindowSamples);
            var cpu = Time(calls, () => silero.Step(window, state));
            rows.Add(new PeerRuntimeRow(silero.Name, silero.Stats.Parameters, SileroVadModel.WindowSamples, cpu));
        }

        return rows;
    }

    /// <summary>CPU µs of this thread per call, after 10 warm-up calls.</summary>
    private static double Time(int calls, Action call)
    {
        for (var i = 0; i < 10; i++)
        {
            call();
        }

        var start = ThreadCpuClock.Now();
        for (var i = 0; i < calls; i++)
        {
            call();
        }

        return (ThreadCpuClock.Now() - start) * 1e6 / calls;
    }
}
