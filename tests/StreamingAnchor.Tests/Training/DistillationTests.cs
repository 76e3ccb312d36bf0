using System.Text.Json;
using StreamingAnchor.Audio;
using StreamingAnchor.Models;
using StreamingAnchor.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Training;

/// <summary>`sal train --teacher`: the teachers' mean posteriors as soft targets beside the loss (<see cref="TeacherEnsemble"/>).</summary>
public sealed class DistillationTests
{
    private static TrainConfig Tiny(string manifest, int seed) => ToneKwsCorpus.TinyGru(manifest) with { Epochs = 2, Seed = seed };

    private static (ScratchDir Dir, string Manifest, string[] Teachers) TwoTeachers()
    {
        var dir = new ScratchDir();
        var manifest = ToneKwsCorpus.Write(dir.Path, clips: 12);
        string[] teachers = [dir.File("t1"), dir.File("t2")];
        TrainingRun.Run(Tiny(manifest, 1), teachers[0]);
        TrainingRun.Run(Tiny(manifest, 2), teachers[1]);
        return (dir, manifest, teachers);
    }

    [Fact]
    public void SoftTargetsAreTheTeachersMeanPosteriorsAndTheTermIsTheirCrossEntropyOverRealFrames()
    {
        var (dir, _, teachers) = TwoTeachers();
        using var _ = dir;
        var normalizer = new RunDirectory(teachers[0]).LoadNormalizer()!;
        using var ensemble = TeacherEnsemble.Load(teachers, normalizer, new FbankConfig(), normalizer.Dim, 1, torch.CPU);
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        var features = torch.randn(2, 30, normalizer.Dim);
        var expected = teachers.Select(t =>
        {
            using var model = new RunDirectory(t).LoadModel();
            model.eval();
            using var noGrad = torch.no_grad();
            return torch.sigmoid(model.forward(features).squeeze(-1));
        }).Aggregate((a, b) => a + b) / 2;
        var targets = ensemble.Targets(features);
        Assert.Equal(new long[] { 2, 30 }, targets.shape);
        Assert.True(torch.allclose(expected, targets, atol: 1e-6), "mean of the two teachers' sigmoid posteriors");
        using (var first = new RunDirectory(teachers[0]).LoadModel())
        {
            first.eval();
            Assert.False(torch.allclose(targets, torch.sigmoid(first.forward(features).squeeze(-1)), atol: 1e-4),
                "two seeds' teachers differ, so the mean is not one of them");
        }

        // The second stream has 17 real frames: padding never counts.
        var logits = torch.randn(2, 30, 1);
        var mask = torch.arange(30).unsqueeze(0).lt(torch.tensor(new long[] { 30, 17 }).unsqueeze(1));
        var t = targets.data<float>().ToArray();
        var z = logits.data<float>().ToArray();
        double sum = 0;
        for (var b = 0; b < 2; b++)
        {
            for (var f = 0; f < (b == 0 ? 30 : 17); f++)
            {
                var i = (b * 30) + f;
                var p = 1 / (1 + Math.Exp(-z[i]));
                sum -= (t[i] * Math.Log(p)) + ((1 - t[i]) * Math.Log(1 - p));
            }
        }
        Assert.Equal(sum / 47, ensemble.Term(logits, features, mask).item<float>(), 5);
    }

    [Fact]
    public void ATeacherTrainedOnOtherFeaturesOrClassesIsRefusedNamingItsFile()
    {
        var (dir, _, teachers) = TwoTeachers();
        using var _ = dir;
        var run = new RunDirectory(teachers[1]);
        var normalizer = new RunDirectory(teachers[0]).LoadNormalizer()!;

        var classes = Assert.Throws<InvalidDataException>(() => TeacherEnsemble.Load(teachers, normalizer, new FbankConfig(), normalizer.Dim, 3, torch.CPU));
        Assert.StartsWith($"{new RunDirectory(teachers[0]).PathOf(RunDirectory.ModelFile)}: teacher reads {normalizer.Dim} features per frame into 1 outputs", classes.Message);

        var frontEnd = Assert.Throws<InvalidDataException>(() =>
            TeacherEnsemble.Load(teachers, normalizer, new FbankConfig { HopSamples = 320 }, normalizer.Dim, 1, torch.CPU));
        Assert.StartsWith($"{new RunDirectory(teachers[0]).PathOf(RunDirectory.FrontEndFile)}: the teacher's front end differs", frontEnd.Message);

        new FeatureNormalizer(normalizer.Mean.Select(m => m + 1).ToArray(), normalizer.Std).Save(run.PathOf(RunDirectory.NormalizerFile));
        var stats = Assert.Throws<InvalidDataException>(() => TeacherEnsemble.Load(teachers, normalizer, new FbankConfig(), normalizer.Dim, 1, torch.CPU));
        Assert.Equal($"{run.PathOf(RunDirectory.NormalizerFile)}: the teacher was trained on other feature statistics than this run's training split; distil from runs trained on the same corpus", stats.Message);
    }

    [Fact]
    public void DistillingPullsTheStudentTowardsItsTeachers()
    {
        var (dir, manifest, teachers) = TwoTeachers();
        using var _ = dir;
        TrainingRun.Run(Tiny(manifest, 3), dir.File("plain"));
        TrainingRun.Run(Tiny(manifest, 3) with { Teachers = teachers, DistillWeight = 20 }, dir.File("student"));

        float[][] Posteriors(string run) => RunEvaluator.Score(run, manifest, "train").Traces.Select(t => t.Posteriors).ToArray();
        var t1 = Posteriors(teachers[0]);
        var t2 = Posteriors(teachers[1]);
        double Distance(string run) => Posteriors(run).SelectMany((p, i) => p.Select((x, f) => Math.Abs(x - ((t1[i][f] + t2[i][f]) / 2)))).Average();
        var plain = Distance(dir.File("plain"));
        var student = Distance(dir.File("student"));
        Assert.True(student < plain, $"distilled student {student:0.0000} from the teachers' mean posterior, undistilled {plain:0.0000}");

        var recorded = TrainingRun.ReadConfig(Path.Combine(dir.File("student"), TrainingRun.ConfigFile));
        Assert.Equal(teachers.Select(Path.GetFullPath), recorded.Teachers!);
        Assert.Equal(20, recorded.DistillWeight);
    }

    [Fact]
    public void TeachersAreCheckedBeforeAnyWork()
    {
        using var dir = new ScratchDir();
        var manifest = ToneKwsCorpus.Write(dir.Path, clips: 6);
        var missing = Assert.Throws<FileNotFoundException>(() =>
            TrainingRun.Run(Tiny(manifest, 1) with { Teachers = [dir.File("nowhere")] }, dir.File("student")));
        Assert.StartsWith(Path.Combine(dir.File("nowhere"), RunDirectory.ModelFile), missing.Message);
        Assert.False(Directory.Exists(dir.File("student")), "nothing written for a missing teacher");

        Assert.Equal("a distillation weight needs teachers (--teacher RUN, repeatable)",
            Assert.Throws<ArgumentException>(() => (Tiny(manifest, 1) with { DistillWeight = 1 }).Validate()).Message);
        Assert.Equal("distillation weight (--distill-weight, distillWeight) must be positive, got 0",
            Assert.Throws<ArgumentException>(() => (Tiny(manifest, 1) with { Teachers = ["a"], DistillWeight = 0 }).Validate()).Message);
        Assert.Equal("distillation runs its teachers in the single-model loop; drop replicas 2",
            Assert.Throws<ArgumentException>(() => (Tiny(manifest, 1) with { Teachers = ["a"], Replicas = 2 }).Validate()).Message);
        // A config file names teachers as a list, like the flags.
        var json = JsonSerializer.Serialize(Tiny(manifest, 1) with { Teachers = ["a", "b"] }, ProjectJson.Options);
        Assert.Equal(["a", "b"], JsonSerializer.Deserialize<TrainConfig>(json, ProjectJson.Options)!.Teachers!);
    }
}
