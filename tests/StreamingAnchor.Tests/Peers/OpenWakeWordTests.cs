using StreamingAnchor.Evaluation.Peers;

namespace StreamingAnchor.Tests.Peers;

public sealed class OpenWakeWordTests(PeerModelsFixture f) : IClassFixture<PeerModelsFixture>
{
    private const double Lead = 1.5;

    [Fact]
    public void HeyJarvisScoresHighOnMostVoicesNearItsEndAndOtherPhrasesStayLow()
    {
        var detector = new OpenWakeWordDetector(f.Jarvis);
        var voices = new[] { "espeak:en-us", "flite:slt", "flite:kal16" };
        var caught = 0;
        foreach (var voice in voices)
        {
            var speech = TtsAudio.Speak(voice, "hey jarvis");
            var keywordEnd = Lead + speech.Length / 16000.0;
            var trace = detector.Score(TtsAudio.Pad(speech, Lead, 1.0));
            var peak = Array.IndexOf(trace.Scores, trace.Scores.Max());
            if (trace.Scores[peak] >= 0.8)
            {
                caught++;
                // The head needs the whole phrase: its best score comes after the keyword ends, not long after.
                Assert.InRange(trace.Times[peak], keywordEnd - 0.2, keywordEnd + 1.0);
            }
            foreach (var other in new[] { "what's the weather today", "hey marvin" })
            {
                var negative = detector.Score(TtsAudio.Pad(TtsAudio.Speak(voice, other), Lead, 1.0));
                Assert.True(negative.Scores.Max() < 0.2, $"{voice} \"{other}\" scored {negative.Scores.Max():0.###}");
            }
        }
        Assert.True(caught >= 2, $"hey jarvis scored >= 0.8 on only {caught} of {voices.Length} voices");
    }

    [Fact]
    public void ALeadInOfSilenceLetsItCatchAKeywordAtTheVeryStartOfAStream()
    {
        var speech = TtsAudio.Speak("espeak:en-us", "hey jarvis");
        var clip = new PeerClip("early", TtsAudio.Pad(speech, 0.1, 1.0), []);
        var warm = PeerScorer.Score(new OpenWakeWordDetector(f.Jarvis), [clip], [0], leadInSamples: 16000 * 13 / 10);
        var trace = Assert.Single(warm.Traces);
        Assert.Equal(PeerScorer.FrameCount(clip.Samples.Length), trace.Frames);
        Assert.True(trace.Posteriors.Max() >= 0.8, $"warm openWakeWord peaked at {trace.Posteriors.Max():0.###}");
        // The lead-in is fed and paid for, but not judged: the audio counted for the real-time factor includes it.
        Assert.Equal(1.3 + clip.DurationSeconds, warm.AudioSeconds, 3);
    }

    [Fact]
    public void MelModelGivesFiveFramesOnTheFirstChunkAndEightOnLaterOnes()
    {
        var samples = Noise(1760, 1000, seed: 3);
        Assert.Equal(5 * OpenWakeWordModel.MelBins, f.Jarvis.Mel(samples, 1280).Length);
        Assert.Equal(8 * OpenWakeWordModel.MelBins, f.Jarvis.Mel(samples, 1760).Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(320)]
    [InlineData(1000)]
    public void TraceStampsEachScoreWithTheEndOfTheAudioItCoversAndZeroesTheFirstFive(int offset)
    {
        var samples = Noise(16000 * 2 + 77, 3000, seed: 5);
        var trace = new OpenWakeWordDetector(f.Jarvis).Score(samples, offset);
        Assert.Equal((samples.Length + offset) / 1280, trace.Scores.Length);
        for (var k = 0; k < trace.Times.Length; k++)
        {
            Assert.Equal((1280.0 * (k + 1) - offset) / 16000.0, trace.Times[k], 12);
        }
        Assert.All(trace.Scores.Take(OpenWakeWordStream.WarmupScores), s => Assert.Equal(0f, s));
        Assert.Contains(trace.Scores.Skip(OpenWakeWordStream.WarmupScores), s => s > 0f);
    }

    [Fact]
    public void AnOffsetOfWholeChunksOnlyDelaysTheStream()
    {
        // Prepending exactly one chunk of silence shifts the grid by 80 ms, but also feeds one more chunk of
        // silence through the (stateful) buffers: scores match from the point the old buffers are flushed.
        var samples = Noise(16000 * 3, 3000, seed: 7);
        var detector = new OpenWakeWordDetector(f.Jarvis);
        var a = detector.Score(samples, 0);
        var b = detector.Score(samples, 1280);
        Assert.Equal(a.Scores.Length + 1, b.Scores.Length);
        for (var k = 0; k < a.Scores.Length; k++)
        {
            Assert.Equal(a.Times[k], b.Times[k + 1], 12);
        }
        // Once 16 chunks of real audio fill the head's window, both streams see the same 1.28 s of embeddings.
        for (var k = 20; k < a.Scores.Length; k++)
        {
            Assert.Equal(a.Scores[k], b.Scores[k + 1], 3);
        }
    }

    [Fact]
    public void TheSameSeedGivesTheSameScores()
    {
        var samples = Noise(16000 * 2, 3000, seed: 9);
        var a = new OpenWakeWordDetector(f.Jarvis, noiseSeed: 1).Score(samples);
        var b = new OpenWakeWordDetector(f.Jarvis, noiseSeed: 1).Score(samples);
        Assert.Equal(a.Scores, b.Scores);
    }

    [Fact]
    public void StatsCountTheEmbeddingNetworkAndHeadAndLeaveOutTheMelFrontEnd()
    {
        var dir = f.Cache.OpenWakeWordModels();
        var embedding = OnnxModelStats.Measure(Path.Combine(dir, "embedding_model.onnx"));
        var head = OnnxModelStats.Measure(Path.Combine(dir, "hey_jarvis_v0.1.onnx"));
        Assert.Equal(embedding.Parameters + head.Parameters, f.Jarvis.LearnedStats.Parameters);
        Assert.Equal(new FileInfo(Path.Combine(dir, "embedding_model.onnx")).Length + new FileInfo(Path.Combine(dir, "hey_jarvis_v0.1.onnx")).Length,
            f.Jarvis.LearnedStats.Bytes);
        // The head is a 1536 -> 128 -> 128 -> 1 MLP (plus its verifier): far more than its output layer.
        Assert.True(head.Parameters > 1536 * 128, $"head has {head.Parameters} parameters");
        Assert.Equal(16, f.Jarvis.HeadWindow);
    }

    internal static float[] Noise(int n, int int16Amplitude, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.Next(-int16Amplitude, int16Amplitude) / 32768.0)).ToArray();
    }
}
