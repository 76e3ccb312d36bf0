using StreamingAnchor.Evaluation.Peers;

namespace StreamingAnchor.Tests.Peers;

public sealed class SileroVadTests(PeerModelsFixture f) : IClassFixture<PeerModelsFixture>
{
    [Theory]
    [InlineData("espeak:en-us", 4)]
    [InlineData("flite:slt", 4)]
    [InlineData("espeak:en-us", 5)]
    [InlineData("flite:slt", 5)]
    public void SpeechScoresHighAndTheSilenceAroundItLow(string voice, int version)
    {
        var speech = TtsAudio.Speak(voice, "what's the weather like today");
        var clip = TtsAudio.Pad(speech, 1.0, 1.0);
        var speechEnd = 1.0 + speech.Length / 16000.0;
        var trace = new SileroVadDetector(f.SileroVersion(version)).Score(clip);
        var during = trace.Times.Zip(trace.Scores).Where(x => x.First > 1.2 && x.First < speechEnd - 0.1).Select(x => x.Second).ToList();
        var before = trace.Times.Zip(trace.Scores).Where(x => x.First < 0.95).Select(x => x.Second).ToList();
        Assert.True(during.Average() > 0.7, $"mean speech probability during speech {during.Average():0.###}");
        Assert.True(before.Max() < 0.2, $"speech probability in the leading silence reached {before.Max():0.###}");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void WhiteNoiseIsNotSpeech(int version)
    {
        var noise = OpenWakeWordTests.Noise(16000 * 3, 1600, seed: 11);
        var trace = new SileroVadDetector(f.SileroVersion(version)).Score(noise);
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

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void ParametersLeaveOutTheStftBasisAndThe8kHzBranch(int version)
    {
        var path = version == 4
            ? f.Cache.OpenWakeWordModel("silero_vad.onnx")
            : Path.Combine(f.Cache.SileroModels(), "silero_vad_v5.onnx");
        var model = f.SileroVersion(version);
        var all = OnnxModelStats.Measure(path);
        // The fixed STFT basis of the 16 kHz path is [258, 1, 256] (v5 stores it, like every weight, in a Constant node).
        Assert.Equal(258 * 256, all.Parameters - model.Stats.Parameters);
        Assert.Equal(new FileInfo(path).Length, model.Stats.Bytes);
        Assert.InRange(model.Stats.Parameters, 50_000, 500_000);
        Assert.Equal(version >= 5, model.HasContext);
    }
}
