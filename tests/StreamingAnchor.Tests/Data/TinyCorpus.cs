using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Tests.Audio;

namespace StreamingAnchor.Tests.Data;

/// <summary>
/// A small synthetic corpus on disk: 1 s clips with a tone burst "keyword" at a known place, two 5 s recordings,
/// an accelerometer-like stream per clip and a noise manifest.
/// </summary>
internal sealed class TinyCorpus : IDisposable
{
    public TinyCorpus(bool streams = false)
    {
        Dir = new ScratchDir();
        var lines = new List<string>();
        var rng = new Random(11);
        for (var i = 0; i < 8; i++)
        {
            var split = i < 6 ? "train" : "dev";
            var start = 0.2 + (0.05 * i);
            var end = start + 0.3;
            var name = $"c{i}.wav";
            WavFile.Write(Dir.File(name), Burst(1.0 + (0.1 * i), [(start, end)], rng), 16000);
            var frames = new FbankConfig().FrameCount((long)Math.Round((1.0 + (0.1 * i)) * 16000));
            var extra = "";
            if (streams)
            {
                // Stream value = frame index, so its alignment can be checked.
                FrameStreamFile.Write(Dir.File($"c{i}.npy"), new FeatureMatrix(
                    Enumerable.Range(0, frames * 2).Select(k => (float)(k / 2)).ToArray(), frames, 2));
                extra = $",\"streams\":{{\"acc\":\"c{i}.npy\"}}";
            }
            lines.Add($"{{\"id\":\"c{i}\",\"audio\":\"{name}\",\"duration\":{1.0 + (0.1 * i)},\"split\":\"{split}\",\"events\":[{{\"label\":\"hey\",\"start\":{start},\"end\":{end}}}]{extra}}}");
        }
        for (var i = 0; i < 2; i++)
        {
            var name = $"long{i}.wav";
            WavFile.Write(Dir.File(name), Burst(5.0, [(1.0, 1.4), (3.2, 3.6)], rng), 16000);
            var extra = "";
            if (streams)
            {
                FrameStreamFile.Write(Dir.File($"long{i}.npy"), new FeatureMatrix(
                    Enumerable.Range(0, 498 * 2).Select(k => (float)(k / 2)).ToArray(), 498, 2));
                extra = $",\"streams\":{{\"acc\":\"long{i}.npy\"}}";
            }
            lines.Add($"{{\"id\":\"long{i}\",\"audio\":\"{name}\",\"duration\":5.0,\"split\":\"train\",\"events\":[{{\"label\":\"hey\",\"start\":1.0,\"end\":1.4}},{{\"label\":\"hey\",\"start\":3.2,\"end\":3.6}}]{extra}}}");
        }
        Manifest = Dir.File("manifest.jsonl");
        File.WriteAllLines(Manifest, lines);

        WavFile.Write(Dir.File("noise.wav"), Enumerable.Range(0, 16000).Select(_ => (float)((rng.NextDouble() * 2) - 1) * 0.3f).ToArray(), 16000);
        NoiseManifest = Dir.File("noise.jsonl");
        File.WriteAllText(NoiseManifest, "{\"id\":\"n\",\"audio\":\"noise.wav\",\"duration\":1.0}\n");
    }

    public ScratchDir Dir { get; }

    public string Manifest { get; }

    public string NoiseManifest { get; }

    public string Cache => Dir.File("cache");

    private static float[] Burst(double seconds, (double Start, double End)[] bursts, Random rng)
    {
        var x = new float[(int)Math.Round(seconds * 16000)];
        for (var i = 0; i < x.Length; i++)
        {
            var t = i / 16000.0;
            double v = 0.002 * ((rng.NextDouble() * 2) - 1);
            if (bursts.Any(b => t >= b.Start && t < b.End))
            {
                v += 0.3 * Math.Sin(2 * Math.PI * 700 * t);
            }
            x[i] = (float)v;
        }
        return x;
    }

    public void Dispose() => Dir.Dispose();
}
