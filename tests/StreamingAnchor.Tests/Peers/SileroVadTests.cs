using StreamingAnchor.Evaluation.Peers;

namespace StreamingAnchor.Tests.Peers;

public sealed class SileroVadTests(PeerModelsFixture f) : IClassFixture<PeerModelsFixture>
{
    [Theory]
    [InlineData("espeak:en-us")]
    [InlineData("flite:slt")]
    public void SpeechScoresHighAndTheSilenceAroundItLow(string voice)
    {
        var speech = TtsAudio.Speak(voice, "what's the weather like today");
        var clip = TtsAudio.Pad(speech, 1.0, 1.0);
        var speechEnd = 1.0 + speech.Length / 16000.0;
        var trace = new SileroVadDetector(f.Silero).Score(clip);
        var during = trace.Times.Zip(trace.Scores).Where(x => x.First > 1.2 && x.First < speechEnd - 0.1).Select(x => x.Second).ToList();
        var before = trace.Times.Zip(trace.Scores).Where(x => x.First < 0.95).Select(x => x.Second).ToList();
        Assert.True(during.Average() > 0.7, $"mean speech probability during speech {during.Average():0.###}");
        Assert.True(before.Max() < 0.2, $"speech probability in the leading silence reached {before.Max():0.###}");
    }

    [Fact]
    public void WhiteNoiseIsNotSpeech()
    {
        var noise = OpenWakeWordTests.Noise(16000 * 3, 1600, seed: 11);
        var trace = new SileroVadDetector(f.Silero).Score(noise);
        Assert.True(trace.Scores.Average() < 0.2, $"mean speech probability on noise {trace.Scores.Average():0.###}");
    }

    [Fact]
    public void TraceStepsEvery512SamplesStampedAtTheirEnd()
    {
        var noise = OpenWakeWordTests.Noise(16000 + 300, 1600, seed: 13);
        var trace = new SileroVadDetector(f.Silero).Score(noise, 128);
        Assert.Equal((noise.Length + 128) / 512, trace.Times.Length);
        for (var k = 0; k < trace.Times.Length; k++)
        {
            Assert.Equal((512.0 * (k + 1) - 128) / 16000.0, trace.Times[k], 12);
        }
    }

    [Fact]
    public void ParametersLeaveOutTheStftBasisAndThe8kHzBranch()
    {
        var path = f.Cache.OpenWakeWordModel("silero_vad.onnx");
        var all = OnnxModelStats.Measure(path);
        // The fixed STFT basis of the 16 kHz path is [258, 1, 256].
        Assert.Equal(258 * 256, all.Parameters - f.Silero.Stats.Parameters);
        Assert.Equal(new FileInfo(path).Length, f.Silero.Stats.Bytes);
        Assert.InRange(f.Silero.Stats.Parameters, 50_000, 200_000);
    }
}
