using StreamingAnchor.Tests.Data;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Export;
using StreamingAnchor.Tests.Audio;
using TorchSharp;

namespace StreamingAnchor.Tests.Reliability;

/// <summary>
/// The refusals as a user meets them: `sal` run as a separate process exits non-zero with exactly one line on stderr
/// naming the file; a WAV piped into /dev/stdin streams like any file.
/// </summary>
[Collection(LibTorchRngCollection.Name)]
public sealed class ReliabilityCliTests
{
    private static byte[] Streamed(float[] samples)
    {
        // What a tool streaming to a pipe writes: both size fields left at 0xFFFFFFFF.
        var bytes = WavBytes.Riff(WavBytes.Fmt(1, 1, 16000, 16), WavBytes.Chunk("data", WavBytes.Encode(samples, 16, false)));
        bytes.AsSpan(4, 4).Fill(0xFF);
        bytes.AsSpan(40, 4).Fill(0xFF);
        return bytes;
    }

    [Fact]
    public void StreamReadsAPipeAndRefusesBadWavsWithOneLine()
    {
        using var dir = new ScratchDir();
        var run = TinyRun.Create(dir.File("run"));
        var onnx = dir.File("m.onnx");
        OnnxExporter.ExportRun(run, onnx);
        var audio = new float[8000];
        var trace = dir.File("trace.csv");

        var (code, stdout, stderr) = SalProcess.RunWithInput(Streamed(audio), "stream", "--onnx", onnx, "--wav", "/dev/stdin", "--trace", trace);
        Assert.True(code == 0, stderr);
        Assert.StartsWith("time_s\tlabel\tscore", stdout);
        Assert.Equal(new FbankConfig().FrameCount(audio.Length) + 1, File.ReadAllLines(trace).Length);

        var empty = dir.File("x.wav");
        File.WriteAllBytes(empty, WavBytes.Riff(WavBytes.Fmt(1, 1, 16000, 16), WavBytes.Chunk("data", [])));
        var zeroChannels = dir.File("zc.wav");
        File.WriteAllBytes(zeroChannels, WavBytes.Riff(WavBytes.Fmt(1, 0, 16000, 16, 2), WavBytes.Chunk("data", new byte[64])));
        var folder = Directory.CreateDirectory(dir.File("folder.wav")).FullName;
        foreach (var (wav, words) in new[]
        {
            (empty, $"{empty}: no audio samples (data chunk is empty)"),
            (zeroChannels, $"{zeroChannels}: bad header, zero channels"),
            (folder, $"{folder}: is a directory"),
        })
        {
            (code, _, stderr) = SalProcess.Run("stream", "--onnx", onnx, "--wav", wav);
            Assert.Equal(1, code);
            Assert.Equal($"error: {words}", Assert.Single(SalProcess.Lines(stderr))[..$"error: {words}".Length]);
        }

        (code, _, stderr) = SalProcess.RunWithInput(Streamed(audio)[..20], "stream", "--onnx", onnx, "--wav", "/dev/stdin");
        Assert.Equal(1, code);
        Assert.Contains("/dev/stdin: ", Assert.Single(SalProcess.Lines(stderr)));
    }

    [Fact]
    [Trait("Category", "E2E")]
    public void ExportOfNonFiniteWeightsAndEvalOfACorruptClipAreOneLine()
    {
        using var dir = new ScratchDir();
        var nan = TinyRun.Create(dir.File("nan"), model =>
        {
            using var noGrad = torch.no_grad();
            model.parameters().First().view(-1)[3] = torch.tensor(float.PositiveInfinity);
        });
        var (code, _, stderr) = SalProcess.Run("export", "--run", nan.Root, "--onnx", dir.File("m.onnx"));
        Assert.Equal(1, code);
        var line = Assert.Single(SalProcess.Lines(stderr));
        Assert.StartsWith($"error: {nan.PathOf("weights.dat")}: parameter '", line);
        Assert.False(File.Exists(dir.File("m.onnx")));

        var run = TinyRun.Create(dir.File("run"));
        WavFile.Write(dir.File("ok.wav"), new float[16000], 16000);
        File.WriteAllText(dir.File("bad.wav"), "RIFF....WAVEnope");
        var manifest = dir.File("test.jsonl");
        Manifest.Save(manifest,
        [
            new ManifestEntry { Id = "ok", Audio = "ok.wav", Duration = 1, Split = "test" },
            new ManifestEntry { Id = "bad", Audio = "bad.wav", Duration = 1, Split = "test" },
        ]);
        (code, _, stderr) = SalProcess.Run("eval", "--run", run.Root, "--data", manifest);
        Assert.Equal(1, code);
        line = Assert.Single(SalProcess.Lines(stderr));
        Assert.StartsWith($"error: {manifest}:2: [bad] unreadable audio: ", line);
        Assert.Contains(dir.File("bad.wav"), line);
    }
}
