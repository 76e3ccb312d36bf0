using System.Text.Json.Nodes;
using StreamingAnchor.Tests.Data;
using Xunit.Abstractions;

namespace StreamingAnchor.Tests.Export;

/// <summary>
/// conformance/node/check.mjs in onnxruntime-node (an independent runtime and language) against the vectors of a
/// raw-audio export: posteriors, scores and detections within 1e-4 for chunks of 160, 480 and 1600 samples.
/// </summary>
[Collection(LibTorchRngCollection.Name)]
public sealed class NodeConformanceTests(ITestOutputHelper output)
{
    [SkippableFact]
    [Trait("Category", "E2E")]
    public void NodeScriptReproducesTheVectorsAndFailsWhenTheyAreWrong()
    {
        Skip.If(!ToolRunner.Exists("node") || !ToolRunner.Exists("npm"), "node and npm are not on PATH (scripts/setup.sh installs npm)");
        using var fixture = new DeploymentFixture(ModelFamily.Crnn, lookAhead: 2);
        var onnx = fixture.File("kws.onnx");
        var (code, _, stderr) = SalProcess.Run("export", "--run", fixture.Run, "--onnx", onnx, "--raw-audio", "--fa-per-hour", "100000",
            "--vectors", "--vectors-wav", fixture.Wav);
        Assert.True(code == 0, stderr);

        // The script runs from a copy, with its pinned dependency installed there from npm's cache in the repo's
        // ignored .cache/ folder (filled from the registry the first time).
        var repo = RepoFiles.Root;
        var work = Directory.CreateDirectory(fixture.File("node")).FullName;
        foreach (var name in new[] { "package.json", "package-lock.json", "check.mjs" })
        {
            File.Copy(Path.Combine(repo, "conformance", "node", name), Path.Combine(work, name));
        }

        var cache = Path.Combine(repo, ".cache", "npm");
        var install = ToolRunner.Run("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--cache", cache], workingDirectory: work);
        Skip.If(install.ExitCode != 0, $"onnxruntime-node could not be installed: npm ci exited {install.ExitCode}: {FirstLine(install.Stderr)}");

        var run = ToolRunner.Run("node", ["check.mjs", onnx, "160,480,1600"], workingDirectory: work);
        Assert.True(run.ExitCode == 0, run.StdoutText + run.Stderr);
        output.WriteLine(run.StdoutText);
        var lines = run.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("PASS", l));
        var vectors = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(onnx, ".vectors.json")))!;
        Assert.NotEmpty(vectors["detections"]!.AsArray());

        // A posterior off by 1e-3 must fail the check.
        var row = vectors["posteriors"]![vectors["frames"]!.GetValue<int>() / 2]!.AsArray();
        row[0] = row[0]!.GetValue<double>() + 1e-3;
        File.WriteAllText(Path.ChangeExtension(onnx, ".vectors.json"), vectors.ToJsonString());
        run = ToolRunner.Run("node", ["check.mjs", onnx, "480"], workingDirectory: work);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("FAIL", run.StdoutText);
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no output";
}
