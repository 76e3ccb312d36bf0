using StreamingAnchor.Tests.Data;

namespace StreamingAnchor.Tests.Cli;

/// <summary>
/// Every command under the one error policy, run as a user runs it: exit 2 for a wrong command line (flags, enum values,
/// a --config file that is missing or names a field wrongly), 1 for inputs that cannot be used; either way exactly one
/// stderr line with the whole reason (file, line, field, what was expected) and nothing of it on stdout.
/// </summary>
public sealed class ErrorPolicyTests
{
    /// <summary>Arguments ("{dir}" is the test's scratch folder), the exit code, and what the one error line must name.</summary>
    public static TheoryData<string[], int, string[]> Cases => new()
    {
        // Usage: the command line (or the --config file it names) is wrong.
        { ["train", "--config", "{dir}/train.json", "--data", "{dir}/m.jsonl", "--out", "{dir}/run"], 2,
            ["--config: ", "train.json:3: field 'epochz'", "(did you mean 'epochs'?)"] },
        { ["train", "--config", "{dir}/none.json", "--data", "{dir}/m.jsonl", "--out", "{dir}/run"], 2, ["--config: ", "none.json"] },
        { ["recipe", "kws", "--config", "{dir}/recipe.json", "--out", "{dir}/recipe"], 2,
            ["--config: ", "recipe.json:2: field 'keywrd'", "(did you mean 'keyword'?)"] },
        { ["train", "--loss", "nosuch", "--data", "{dir}/m.jsonl", "--out", "{dir}/run"], 2, ["'nosuch'", "expected ce, focal"] },
        { ["experiment", "--task", "nosuch", "--out", "{dir}/grid"], 2, ["'nosuch'", "expected kws, onset or trigger"] },
        { ["experiment", "--task", "kws", "--dev-metric", "eer@2", "--out", "{dir}/grid"], 2, ["--dev-metric: 'eer@2'", "frr@X"] },
        { ["experiment", "--task", "kws", "--sampler", "positive", "--out", "{dir}/grid"], 2, ["--sampler: 'positive' is not kind=share"] },
        { ["synth", "kws", "--out", "{dir}/corpus", "--hours", "-1"], 2, ["--hours", "got -1"] },
        { ["synth", "kws", "--out", "{dir}/corpus", "--snr", "3"], 2, ["--snr", "MIN:MAX", "'3'"] },
        { ["synth", "kws", "--out", "{dir}/corpus", "--engines", "nosuch"], 2, ["'nosuch'", "espeak, flite, festival"] },
        { ["weights", "--kernel", "cosine"], 2, ["'cosine'", "exp, gaussian, triangular or box"] },
        { ["bench", "fbank", "--seconds", "-1"], 2, ["--seconds"] },
        { ["model", "info", "--no-such-flag"], 2, ["--no-such-flag", "sal model info --help"] },
        // Failures: the inputs the command line names cannot be used.
        { ["data", "check", "{dir}/m.jsonl"], 1, ["m.jsonl:1: field 'id' is missing (expected a string)"] },
        { ["data", "check", "{dir}/none.jsonl"], 1, ["none.jsonl: manifest not found"] },
        { ["eval", "--run", "{dir}/norun", "--data", "{dir}/m.jsonl"], 1, ["m.jsonl:1: field 'id' is missing", "sal data check"] },
        { ["stream", "--onnx", "{dir}/m.onnx", "--wav", "{dir}/a.wav"], 1, ["m.onnx: not a loadable ONNX model"] },
        { ["detect", "{dir}/m.onnx", "{dir}/a.wav"], 1, ["m.onnx: not a loadable ONNX model"] },
        { ["export", "--run", "{dir}/norun", "--onnx", "{dir}/out.onnx"], 1, ["norun: run directory not found"] },
        { ["experiment", "report", "{dir}/none"], 1, ["experiment.json: not an experiment folder"] },
        { ["experiment", "rescore", "{dir}/none"], 1, ["experiment.json: not an experiment folder"] },
        { ["synth", "summary", "{dir}/none"], 1, ["none: no manifest"] },
        { ["peers", "--task", "kws", "--data", "{dir}/none.jsonl"], 1, ["none.jsonl: manifest not found"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryCommandFailsWithOneWholeLineOnStderrAndItsExitCode(string[] args, int code, string[] names)
    {
        using var dir = new ScratchDir();
        File.WriteAllText(dir.File("train.json"), "{\n  \"epochs\": 3,\n  \"epochz\": 4\n}\n");
        File.WriteAllText(dir.File("recipe.json"), "{\n  \"keywrd\": \"hey computer\"\n}\n");
        File.WriteAllText(dir.File("m.jsonl"), "{\"audio\": \"a.wav\", \"duration\": 1, \"split\": \"test\"}\n");
        File.WriteAllText(dir.File("m.onnx"), "not a model");
        File.WriteAllText(dir.File("a.wav"), "not audio");

        var (exit, stdout, stderr) = SalProcess.Run([.. args.Select(a => a.Replace("{dir}", dir.Path, StringComparison.Ordinal))]);

        var line = Assert.Single(SalProcess.Lines(stderr));
        Assert.Equal(code, exit);
        Assert.StartsWith("error: ", line);
        foreach (var name in names)
        {
            Assert.Contains(name.Replace("{dir}", dir.Path, StringComparison.Ordinal), line);
        }
        Assert.DoesNotContain("error", stdout, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(names[0], stdout);
    }
}
