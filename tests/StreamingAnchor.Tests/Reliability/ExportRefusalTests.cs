using StreamingAnchor.Audio;
using StreamingAnchor.Export;
using TorchSharp;

namespace StreamingAnchor.Tests.Reliability;

/// <summary>`sal export` refuses what the exported model could not use, one line each, before writing anything.</summary>
[Collection(LibTorchRngCollection.Name)]
public sealed class ExportRefusalTests
{
    [Fact]
    public void NonFiniteWeightsAreRefusedNamingTheParameter()
    {
        using var dir = new ScratchDir();
        var run = TinyRun.Create(dir.File("run"), model =>
        {
            using var noGrad = torch.no_grad();
            var p = model.parameters().Last();
            p.view(-1)[0] = torch.tensor(float.NaN);
        });
        var onnx = dir.File("m.onnx");

        var ex = Assert.Throws<InvalidDataException>(() => OnnxExporter.ExportRun(run, onnx));

        Assert.StartsWith(run.PathOf("weights.dat") + ": parameter '", ex.Message);
        Assert.Contains("1 non-finite values", ex.Message);
        Assert.False(File.Exists(onnx));
    }

    public static TheoryData<string, string, string[]> BadInputs() => new()
    {
        { "normalizer.json", """{"Mean":[0,0],"Std":[1,1]}""", ["normaliser has 2 dimensions", "40 inputs"] },
        { "normalizer.json", Stats(std: 0, at: 7), ["std[7] is 0", "positive"] },
        { "normalizer.json", Stats(std: -2, at: 0), ["std[0] is -2"] },
        { "normalizer.json", Stats(std: 1, at: 3).Replace("\"Mean\":[0", "\"Mean\":[1e39", StringComparison.Ordinal), ["mean[0]", "finite"] },
        { "frontend.json", new FbankConfig { MelBins = 64 }.ToJson(), ["64 mel bins", "needs 40"] },
        { "frontend.json", new FbankConfig { MelBins = 0 }.ToJson(), ["mel bins must be positive"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void AFrontEndOrNormaliserTheModelCannotUseIsRefused(string file, string json, string[] words)
    {
        using var dir = new ScratchDir();
        var run = TinyRun.Create(dir.File("run"));
        File.WriteAllText(run.PathOf(file), json);
        var onnx = dir.File("m.onnx");

        var ex = Assert.Throws<InvalidDataException>(() => OnnxExporter.ExportRun(run, onnx));

        Assert.StartsWith(run.PathOf(file) + ": ", ex.Message);
        foreach (var word in words)
        {
            Assert.Contains(word, ex.Message);
        }
        Assert.DoesNotContain('\n', ex.Message);
        Assert.False(File.Exists(onnx));
    }

    /// <summary>A 40-dimension normaliser whose std is 1 except <paramref name="std"/> at dimension <paramref name="at"/>.</summary>
    private static string Stats(float std, int at)
    {
        var stds = Enumerable.Repeat(1f, 40).ToArray();
        stds[at] = std;
        return $$"""{"Mean":[{{string.Join(',', new float[40])}}],"Std":[{{string.Join(',', stds)}}]}""";
    }
}
