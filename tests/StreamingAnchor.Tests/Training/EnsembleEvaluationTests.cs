using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Training;

/// <summary>`sal eval --run A B`: several runs scored as one detector that averages their posteriors frame by frame.</summary>
public sealed class EnsembleEvaluationTests
{
    private static PosteriorTrace Trace(string id, params float[] p) => new(id, p, 1, 1.0, [new EvalEvent(1, 0.5, 0.2, 0.5)]);

    [Fact]
    public void AnEnsembleTraceIsTheMembersMeanAndMembersMustAgreeOnTheStream()
    {
        var mean = PosteriorTrace.Mean([Trace("s", 0.2f, 0.9f, 0f), Trace("s", 0.4f, 0.3f, 1f)]);
        Assert.Equal(new[] { 0.3f, 0.6f, 0.5f }, mean.Posteriors);
        Assert.Equal("s", mean.Id);
        Assert.Single(mean.Events);

        var other = Assert.Throws<ArgumentException>(() => PosteriorTrace.Mean([Trace("s", 0.2f), Trace("t", 0.4f)]));
        Assert.Equal("ensemble members disagree: stream 't' with 1 classes and 1 frames against 's' with 1 and 1", other.Message);
        Assert.Throws<ArgumentException>(() => PosteriorTrace.Mean([Trace("s", 0.2f, 0.1f), Trace("s", 0.4f)]));
    }

    [Fact]
    public void AnEnsembleIsScoredOnItsMembersMeanPosteriorsAndCountsEveryMembersSize()
    {
        using var dir = new ScratchDir();
        var manifest = ToneKwsCorpus.Write(dir.Path, clips: 12);
        string[] runs = [dir.File("a"), dir.File("b")];
        TrainingRun.Run(ToneKwsCorpus.TinyGru(manifest) with { Epochs = 2, Seed = 1 }, runs[0]);
        TrainingRun.Run(ToneKwsCorpus.TinyGru(manifest) with { Epochs = 2, Seed = 2 }, runs[1]);
        var members = runs.Select(r => RunEvaluator.Score(r, manifest)).ToList();

        var summary = RunEvaluator.EvaluateEnsemble(runs, manifest, dir.File("ens"));
        var expected = DetectionEvaluator.Run(RunTraces.Ensemble(members).Traces, summary.Config);
        Assert.Equal("a + b", summary.Name);
        Assert.Equal(expected.Eer, summary.Result.Eer);
        Assert.Equal(expected.Targets.Select(t => t.Point.Frr), summary.Result.Targets.Select(t => t.Point.Frr));
        Assert.True(File.Exists(dir.File("ens/metrics.json")));
        Assert.False(Directory.Exists(Path.Combine(runs[0], RunEvaluator.EvalFolder)), "members' own eval/ untouched");

        var ensemble = RunTraces.Ensemble(members);
        Assert.Equal(members.Sum(m => m.Parameters), ensemble.Parameters);
        var first = ensemble.Traces[0].Posteriors;
        Assert.Equal(first.Select((_, f) => (members[0].Traces[0].Posteriors[f] + members[1].Traces[0].Posteriors[f]) / 2), first.Select(x => x), new ToleranceComparer(1e-6f));
        Assert.NotEqual(members[0].Traces[0].Posteriors, first);

        Assert.Equal("an ensemble needs two or more runs, got 1",
            Assert.Throws<ArgumentException>(() => RunEvaluator.EvaluateEnsemble([runs[0]], manifest, dir.File("one"))).Message);
    }

    [Fact]
    [Trait("Category", "E2E")]
    public void EvalOfTwoRunsNeedsAnOutputFolder()
    {
        using var dir = new ScratchDir();
        var manifest = ToneKwsCorpus.Write(dir.Path, clips: 9);
        TrainingRun.Run(ToneKwsCorpus.TinyGru(manifest), dir.File("a"));
        TrainingRun.Run(ToneKwsCorpus.TinyGru(manifest) with { Seed = 4 }, dir.File("b"));

        var (code, stdout, stderr) = SalProcess.Run("eval", "--run", dir.File("a"), dir.File("b"), "--data", manifest);
        Assert.Equal(2, code);
        Assert.Contains("--out is required with 2 runs: an ensemble has no run folder of its own to write eval/ into", stderr);

        (code, stdout, stderr) = SalProcess.Run("eval", "--run", dir.File("a"), "--run", dir.File("b"), "--data", manifest, "--out", dir.File("ens"));
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("| a + b |", stdout);
        Assert.True(File.Exists(dir.File("ens/report.md")), stdout + stderr);
        // Progress counts every member's pass over the two test streams.
        Assert.Contains("ensemble: streamed 4/4 clips", stderr);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
