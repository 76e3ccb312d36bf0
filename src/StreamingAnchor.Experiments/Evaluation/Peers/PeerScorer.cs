using StreamingAnchor.Anchors;

namespace StreamingAnchor.Evaluation.Peers;

/// <summary>Runs a peer over test clips and turns its scores into the posterior traces our evaluation reads.</summary>
public static class PeerScorer
{
    /// <summary>
    /// <paramref name="phases"/> offsets spread evenly over one step (4 phases of openWakeWord's 80 ms: 0, 20, 40, 60 ms).
    /// </summary>
    public static int[] Offsets(int hopSamples, int phases)
    {
        if (phases < 1 || phases > hopSamples)
        {
            throw new ArgumentOutOfRangeException(nameof(phases), $"phases must be in 1..{hopSamples}, got {phases}");
        }
        return Enumerable.Range(0, phases).Select(i => i * hopSamples / phases).ToArray();
    }

    /// <summary>
    /// The frame grid peers' scores are held on: our default front end's (Anchors/FrameClock), the grid the peers'
    /// rows of a comparison are detected and timed on (each of our runs is evaluated on its own front end's grid).
    /// </summary>
    public static FrameClock Grid => FrameClock.Default;

    /// <summary>Frames of a clip of <paramref name="samples"/> samples on <see cref="Grid"/>.</summary>
    public static int FrameCount(int samples) => Grid.FrameCount(samples);

    /// <summary>
    /// Scores every clip at every offset. A peer's score is held on our 10 ms frame grid until its next score
    /// (<see cref="PeerTrace.OnFrames"/>), so the detector's smoothing, threshold and refractory period, the
    /// hit windows and the latency all read it exactly as they read our models' posteriors.
    /// <paramref name="leadInSamples"/> of silence before each stream (on top of the offset) let the peer start
    /// warm, as on a device that has been listening all along; its scores from the lead-in are not judged, but the
    /// last of them is held into the stream's first frames like any earlier score.
    /// </summary>
    public static PeerScoreSet Score(IPeerDetector peer, IReadOnlyList<PeerClip> clips, IReadOnlyList<int> offsets,
        IProgress<(int Done, int Total)>? progress = null, int leadInSamples = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leadInSamples);
        var traces = new List<PosteriorTrace>(clips.Count * offsets.Count);
        double audio = 0, compute = 0;
        var total = clips.Count * offsets.Count;
        // One untimed pass first: session warm-up and openWakeWord's cached noise prefix are one-off costs, not per-frame ones.
        peer.Score(new float[2 * peer.HopSamples]);
        foreach (var clip in clips)
        {
            foreach (var offset in offsets)
            {
                // CPU time of this thread: on a shared machine wall time would also count the waits for a core.
                var start = ThreadCpuClock.Now();
                var trace = peer.Score(clip.Samples, leadInSamples + offset);
                compute += ThreadCpuClock.Now() - start;
                audio += (leadInSamples + offset + clip.Samples.Length) / (double)Grid.SampleRate;
                var posteriors = trace.OnFrames(FrameCount(clip.Samples.Length), Grid);
                var id = offsets.Count == 1 ? clip.Id : $"{clip.Id}@{offset * 1000.0 / Grid.SampleRate:0.#}ms";
                traces.Add(new PosteriorTrace(id, posteriors, 1, clip.DurationSeconds, clip.Events) { NearMisses = clip.NearMisses, Conditions = clip.Conditions });
                progress?.Report((traces.Count, total));
            }
        }
        return new PeerScoreSet(traces, audio, compute, offsets.ToArray());
    }
}
