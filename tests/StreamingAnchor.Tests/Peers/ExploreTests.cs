using StreamingAnchor.Evaluation.Peers;
using Xunit.Abstractions;

namespace StreamingAnchor.Tests.Peers;

public sealed class ExploreTests(PeerModelsFixture f, ITestOutputHelper output) : IClassFixture<PeerModelsFixture>
{
    [Fact]
    public void Explore()
    {
        var det = new OpenWakeWordDetector(f.Jarvis);
        output.WriteLine($"{det.Stats} front {f.Jarvis.FrontEndStats} silero {f.Silero.Stats}");
        foreach (var voice in new[] { "espeak:en-us", "espeak:en", "espeak:en-us+f3", "espeak:en-gb-x-rp", "flite:slt", "flite:kal16", "flite:awb", "flite:rms" })
        {
            foreach (var text in new[] { "hey jarvis", "hey marvin", "what's the weather today" })
            {
                var clip = TtsAudio.Pad(TtsAudio.Speak(voice, text), 1.5, 1.0);
                var maxes = new List<string>();
                for (var o = 0; o < 1280; o += 320)
                {
                    var tr = det.Score(clip, o);
                    maxes.Add($"{tr.Scores.Max():F3}@{tr.Times[Array.IndexOf(tr.Scores, tr.Scores.Max())]:F2}");
                }
                output.WriteLine($"{voice,-20} {text,-28} {string.Join(" ", maxes)}");
            }
        }
    }
}
