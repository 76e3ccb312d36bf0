using StreamingAnchor.Cli.Commands;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Recipes;
using StreamingAnchor.Tests.Training;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Cli;

/// <summary>`sal demo`'s shipped model: found above the working folder, left out on request, evaluated on the demo's test split without touching its folder.</summary>
public sealed class DemoShippedModelTests
{
    [Fact]
    public void LocatorFindsTheShippedFolderFromANestedFolder()
    {
        using var dir = new ScratchDir();
        var shipped = Directory.CreateDirectory(dir.File(ShippedModel.DefaultFolder)).FullName;
        File.WriteAllText(Path.Combine(shipped, RunDirectory.ModelFile), "{}");
        var nested = Directory.CreateDirectory(dir.File("runs/demo/deeper")).FullName;
        var elsewhere = Directory.CreateDirectory(dir.File("bin")).FullName;

        var fromNested = ShippedModel.Locate(null, nested, elsewhere);
        Assert.Equal(shipped, fromNested.Folder);
        Assert.Null(fromNested.Notice);

        // The CLI's own folder is searched too: a demo started from outside the clone still finds it.
        using var outside = new ScratchDir();
        Assert.Equal(shipped, ShippedModel.Locate(null, outside.Path, elsewhere).Folder);

        var off = ShippedModel.Locate("none", nested, elsewhere);
        Assert.Null(off.Folder);
        Assert.Null(off.Notice);

        Assert.Equal(shipped, ShippedModel.Locate(shipped, elsewhere, elsewhere).Folder);
    }

    [Fact]
    public void AMissingShippedModelIsOneLineSayingWhereItLooked()
    {
        using var dir = new ScratchDir();
        var cwd = Directory.CreateDirectory(dir.File("a/b")).FullName;
        // A folder without model.json is not a shipped model.
        Directory.CreateDirectory(dir.File(ShippedModel.DefaultFolder));

        var lookup = ShippedModel.Locate(null, cwd, cwd);

        Assert.Null(lookup.Folder);
        Assert.NotNull(lookup.Notice);
        Assert.DoesNotContain('\n', lookup.Notice);
        Assert.Contains($"{ShippedModel.DefaultFolder}/model.json", lookup.Notice, StringComparison.Ordinal);
        Assert.Contains(cwd, lookup.Notice, StringComparison.Ordinal);

        // A folder named explicitly must be a run folder: refused as a usage error, naming it.
        var ex = Assert.Throws<ArgumentException>(() => ShippedModel.Locate(dir.File("nowhere"), cwd, cwd));
        Assert.Contains(dir.File("nowhere"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "E2E")] // trains a tiny TCN: 21 s at load average 43
    public void TheShippedRunIsEvaluatedOnTheDemosTestSplitIntoTheDemosFolder()
    {
        using var dir = new ScratchDir();
        var corpus = Directory.CreateDirectory(dir.File("corpus")).FullName;
        var manifest = ToneKwsCorpus.Write(corpus, clips: 12);
        var shipped = dir.File(ShippedModel.DefaultFolder);
        TrainingRun.Run(new TrainConfig
        {
            Data = manifest,
            Task = TaskKind.Kws,
            Model = new ModelConfig { Family = ModelFamily.Tcn, Hidden = 8 },
            Loss = new LossConfig { Kind = LossKind.SaPlusFl, Tau = 8, Lambda = 4, Gamma = 2 },
            Epochs = 1,
            BatchSize = 4,
            Seed = 3,
            Threads = 1,
        }, shipped);
        var recipeCorpus = RecipeCorpus.Of(manifest, corpus);
        recipeCorpus.Save(shipped);
        var before = Directory.GetFileSystemEntries(shipped, "*", SearchOption.AllDirectories).Order().ToList();
        var root = dir.File("runs/demo");
        var config = EvaluationConfig.ForTask(TaskKind.Kws) with { FaPerHourTargets = [1.0, 10.0, 30.0] };

        var summary = DemoCommand.EvaluateShipped(shipped, manifest, root, config);

        Assert.Equal(FormattableString.Invariant($"shipped (tcn sa+fl, {recipeCorpus.Hours:0.##} h)"), summary.Name);
        Assert.Equal(2, summary.Result.AtThreshold.Streams); // ToneKwsCorpus puts 12 / 6 clips in test
        Assert.Equal([1.0, 10.0, 30.0], summary.Result.Targets.Select(t => t.FaPerHourTarget));
        Assert.True(File.Exists(Path.Combine(root, DemoCommand.ShippedFolder, RunEvaluator.EvalFolder, "metrics.json")));
        Assert.Equal(before, Directory.GetFileSystemEntries(shipped, "*", SearchOption.AllDirectories).Order().ToList());

        var description = ShippedModel.Describe(shipped);
        Assert.Contains("tcn/small (8 wide), loss sa+fl", description, StringComparison.Ordinal);
        Assert.Contains(FormattableString.Invariant($"12 streams, {recipeCorpus.Hours:0.##} h of audio in manifest.jsonl (its corpus.json)"), description, StringComparison.Ordinal);
        Assert.Contains("best epoch 1 of 1", description, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCommittedModelIsNamedAndDescribedFromItsCorpusRecord()
    {
        var folder = ShippedModel.Locate(null, AppContext.BaseDirectory, AppContext.BaseDirectory).Folder;
        Assert.NotNull(folder);
        Assert.Equal("shipped (tcn sa+fl, 21.37 h)", ShippedModel.Name(folder));
        Assert.Contains("on its own corpus: 4803 streams, 21.37 h of audio in data/manifest.jsonl (its corpus.json)", ShippedModel.Describe(folder),
            StringComparison.Ordinal);
    }
}
