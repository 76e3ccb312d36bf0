using System.Diagnostics;
using StreamingAnchor.Audio;
using StreamingAnchor.Models;
using TorchSharp;

namespace StreamingAnchor.Tests.Models;

/// <summary>`sal export` and `sal stream` end to end, run as a user would (separate processes).</summary>
[Collection(LibTorchRngCollection.Name)]
public sealed class StreamCommandTests
{
    [Fact]
    [Trait("Category", "E2E")]
    public void ExportThenStreamATorchRunAndItsOnnxExportGiveTheSameTraces()
    {
        using var folder = new ScratchDir();
        var fbank = new FbankConfig();
        var audio = StreamingPipelineTests.Audio(16000);
        torch.manual_seed(2);
        using (var model = ModelFactory.Create(new ModelConfig { Family = ModelFamily.Tcn, LookAhead = 2 }, 40, 1))
        {
            var run = new RunDirectory(folder.File("run"));
            run.SaveModel(model, ["hey"]);
            run.SaveFrontEnd(fbank);
            run.SaveNormalizer(StreamingPipelineTests.Normalizer(fbank, audio));
        }

        var wavs = Directory.CreateDirectory(folder.File("wavs")).FullName;
        WavFile.Write(Path.Combine(wavs, "a.wav"), audio, 16000);
        WavFile.Write(Path.Combine(wavs, "b.wav"), StreamingPipelineTests.Audio(8000, seed: 9), 16000);
        var onnx = folder.File("m.onnx");

        var (code, stdout, stderr) = Sal([], "export", "--run", folder.File("run"), "--onnx", onnx);
        Assert.True(code == 0, stderr);
        Assert.Contains("look-ahead 2", stdout);

        (code, stdout, stderr) = Sal([], "stream", "--run", folder.File("run"), "--wav-dir", wavs, "--trace-dir", folder.File("torch"), "--threshold", "0.3");
        Assert.True(code == 0, stderr);
        Assert.StartsWith("file\ttime_s\tlabel\tscore", stdout);

        // LD_DEBUG makes the dynamic loader list every library it initialises: libtorch must not be among them.
        (code, _, stderr) = Sal([("LD_DEBUG", "libs")], "stream", "--onnx", onnx, "--wav-dir", wavs, "--trace-dir", folder.File("onnx"), "--chunk-ms", "25");
        Assert.True(code == 0, stderr);
        Assert.Contains("libonnxruntime", stderr);
        Assert.DoesNotContain("libtorch", stderr);

        foreach (var name in new[] { "a.csv", "b.csv" })
        {
            var t = File.ReadAllLines(Path.Combine(folder.File("torch"), name));
            var o = File.ReadAllLines(Path.Combine(folder.File("onnx"), name));
            Assert.Equal("time_s,posterior", t[0]);
            Assert.Equal(t.Length, o.Length);
            Assert.Equal(fbank.FrameCount(name == "a.csv" ? 16000 : 8000) + 1, t.Length);
            for (var i = 1; i < t.Length; i++)
            {
                var (tt, ot) = (t[i].Split(','), o[i].Split(','));
                Assert.Equal(tt[0], ot[0]);
                Assert.True(Math.Abs(double.Parse(tt[1]) - double.Parse(ot[1])) < 1e-4, $"{name} line {i}: {t[i]} vs {o[i]}");
            }
        }
    }

    [Fact]
    public void BadInputsAreOneLineErrorsNamingTheFile()
    {
        using var folder = new ScratchDir();
        var bad = folder.File("bad.wav");
        File.WriteAllText(bad, "not audio");
        var notOnnx = folder.File("m.onnx");
        File.WriteAllText(notOnnx, "nope");

        var (code, _, stderr) = Sal([], "stream", "--onnx", notOnnx, "--wav", bad);
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("m.onnx", stderr);
        Assert.Single(stderr.Trim().Split('\n'));

        (code, _, stderr) = Sal([], "stream", "--run", folder.File("norun"), "--wav", bad);
        Assert.Equal(1, code);
        Assert.Contains("norun", stderr);
        Assert.Single(stderr.Trim().Split('\n'));

        (code, _, stderr) = Sal([], "export", "--run", folder.File("norun"), "--onnx", notOnnx);
        Assert.Equal(1, code);
        Assert.Contains("norun", stderr);
        Assert.Equal("nope", File.ReadAllText(notOnnx));
    }

    private static (int Code, string Stdout, string Stderr) Sal((string, string)[] environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sal.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }
}
