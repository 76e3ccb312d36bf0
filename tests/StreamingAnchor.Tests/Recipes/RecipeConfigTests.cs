using System.Text.Json.Nodes;
using StreamingAnchor.Data;
using StreamingAnchor.Data.Synthesis;
using StreamingAnchor.Recipes;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Recipes;

public class RecipeConfigTests
{
    [Fact]
    public void FlagsOverrideTheConfigFileWhichOverridesTheKindsDefaults()
    {
        using var dir = new ScratchDir();
        var file = dir.File("recipe.json");
        File.WriteAllText(file, "{\n  \"epochs\": 3,\n  \"hours\": 2.5,\n  \"faPerHour\": [1, 5]\n}\n");

        var fileOnly = RecipeConfig.Resolve(RecipeKind.Onset, file, null);
        Assert.Equal(3, fileOnly.Epochs);
        Assert.Equal(2.5, fileOnly.Hours);
        Assert.Equal([1.0, 5.0], fileOnly.FaPerHour);
        // Keys the file leaves out keep the onset defaults, not the kws ones.
        Assert.Equal(28, fileOnly.Hidden);
        Assert.Equal(LossKind.Sal, fileOnly.Loss);
        Assert.Equal(5, fileOnly.DevFaPerHour);

        var flags = RecipeConfig.Resolve(RecipeKind.Onset, file, new JsonObject { ["epochs"] = 7, ["loss"] = "sa+fl", ["augment"] = true, ["dropout"] = 0.1 });
        Assert.Equal(7, flags.Epochs);
        var train = flags.TrainConfig("m.jsonl");
        Assert.True(train.Augment);
        Assert.Equal(0.1, train.Model.Dropout);
        Assert.Equal(LossKind.SaPlusFl, flags.Loss);
        Assert.Equal(2.5, flags.Hours);

        var defaults = RecipeConfig.Resolve(RecipeKind.Kws, null, null);
        Assert.Equal(RecipeConfig.For(RecipeKind.Kws).ToJson(), defaults.ToJson());
        Assert.Equal(48, defaults.Hidden);
    }

    [Fact]
    public void TheWrittenConfigReadsBackToTheSameSettings()
    {
        using var dir = new ScratchDir();
        var config = RecipeConfig.Resolve(RecipeKind.Kws, null, new JsonObject { ["keyword"] = "ok computer", ["epochs"] = 4, ["sources"] = new JsonArray() });
        var file = dir.File("recipe.json");
        File.WriteAllText(file, config.ToJson());
        Assert.Equal(config.ToJson(), RecipeConfig.Resolve(RecipeKind.Kws, file, null).ToJson());
        Assert.Contains("\"sa+fl\"", config.ToJson());
    }

    [Fact]
    public void AConfigForTheOtherKindIsRefusedNamingTheField()
    {
        using var dir = new ScratchDir();
        var file = dir.File("onset.json");
        File.WriteAllText(file, "{ \"kind\": \"onset\" }");
        var ex = Assert.Throws<InvalidDataException>(() => RecipeConfig.Resolve(RecipeKind.Kws, file, null));
        Assert.Contains("'kind'", ex.Message);
        Assert.Contains("sal recipe onset", ex.Message);
    }

    /// <summary>Every step's key in order, each chained to the one before, as the recipe computes them.</summary>
    private static string[] StepKeys(RecipeConfig c)
    {
        var previous = "";
        return RecipeStep.All(c.MineRounds).Select(s => previous = c.StepKey(s, previous)).ToArray();
    }

    [Fact]
    public void ChangingASettingChangesTheKeyOfItsStageAndOfEveryStageAfterIt()
    {
        var a = RecipeConfig.For(RecipeKind.Kws);
        var b = a with { FineTuneEpochs = a.FineTuneEpochs + 1, Workers = a.Workers + 3 };
        var ka = StepKeys(a);
        var kb = StepKeys(b);
        var names = RecipeStep.All(a.MineRounds).Select(s => s.Name).ToArray();
        Assert.Equal(["synth", "train", "mine-1", "finetune-1", "eval", "export"], names);
        // synth, train and mining do not read the fine-tune settings (nor the worker count): kept; the fine-tune and all after it: redone.
        Assert.Equal(ka[..3], kb[..3]);
        Assert.All(Enumerable.Range(3, 3), i => Assert.NotEqual(ka[i], kb[i]));
        Assert.Equal([$"fineTuneEpochs {a.FineTuneEpochs} -> {a.FineTuneEpochs + 1}"], b.Changes(a));
    }

    [Fact]
    public void ShipLastRedoesTrainingOnlyWhenSetAndReachesBothTrainings()
    {
        var a = RecipeConfig.For(RecipeKind.Kws);
        var b = a with { Ship = ShipEpoch.Last };
        Assert.Equal(StepKeys(a)[0], StepKeys(b)[0]);
        Assert.All(Enumerable.Range(1, 5), i => Assert.NotEqual(StepKeys(a)[i], StepKeys(b)[i]));
        Assert.Equal(StepKeys(a), StepKeys(b with { Ship = ShipEpoch.Best }));
        Assert.Equal(ShipEpoch.Last, b.TrainConfig("m.jsonl").Ship);
        Assert.Equal(ShipEpoch.Last, b.FineTuneConfig("m.jsonl", "train", "mined.jsonl").Ship);
        Assert.Equal(ShipEpoch.Best, a.TrainConfig("m.jsonl").Ship);
        Assert.Equal(["ship \"best\" -> \"last\""], b.Changes(a));
    }

    [Fact]
    public void ShipRunRedoesOnlyTheEvaluationAndExportAndIsTheOnsetDefault()
    {
        var a = RecipeConfig.For(RecipeKind.Kws);
        Assert.Equal(ShipRun.Dev, a.ShipRun);
        Assert.Equal(ShipRun.FineTune, RecipeConfig.For(RecipeKind.Onset).ShipRun);
        var b = a with { ShipRun = ShipRun.FineTune };
        var (ka, kb) = (StepKeys(a), StepKeys(b));
        Assert.Equal(ka[..4], kb[..4]);
        Assert.All(Enumerable.Range(4, 2), i => Assert.NotEqual(ka[i], kb[i]));
        Assert.Equal(ka, StepKeys(b with { ShipRun = ShipRun.Dev }));
        Assert.Equal(["shipRun \"dev\" -> \"fine-tune\""], b.Changes(a));
    }

    [Fact]
    public void AnEmaDecayRedoesTrainingOnlyWhenSetAndReachesBothTrainings()
    {
        var a = RecipeConfig.For(RecipeKind.Kws);
        var b = a with { EmaDecay = 0.998 };
        Assert.Equal(StepKeys(a)[0], StepKeys(b)[0]);
        Assert.All(Enumerable.Range(1, 5), i => Assert.NotEqual(StepKeys(a)[i], StepKeys(b)[i]));
        Assert.Equal(StepKeys(a), StepKeys(b with { EmaDecay = null }));
        Assert.Equal(0.998, b.TrainConfig("m.jsonl").EmaDecay);
        Assert.Equal(0.998, b.FineTuneConfig("m.jsonl", "train", "mined.jsonl").EmaDecay);
        Assert.Null(a.TrainConfig("m.jsonl").EmaDecay);
        Assert.Equal(["emaDecay unset -> 0.998"], b.Changes(a));
    }

    [Fact]
    public void AWarpRedoesTrainingOnlyWhenSetAndAddsToTheAugmentationOfBothTrainings()
    {
        var a = RecipeConfig.For(RecipeKind.Kws) with { Warp = 0 };
        var b = a with { Warp = 0.5 };
        Assert.Equal(StepKeys(a)[0], StepKeys(b)[0]);
        Assert.All(Enumerable.Range(1, 5), i => Assert.NotEqual(StepKeys(a)[i], StepKeys(b)[i]));
        Assert.Equal(["warp 0 -> 0.5"], b.Changes(a));

        Assert.Null(a.TrainConfig("m.jsonl").ResolvedAugmentation);
        // Alone, the warp is the only augmentation; with --augment it joins the default parts.
        Assert.Equal(AugmentOptions.None with { WarpProbability = 0.5 }, b.TrainConfig("m.jsonl").ResolvedAugmentation);
        Assert.Equal(AugmentOptions.None with { WarpProbability = 0.5 }, b.FineTuneConfig("m.jsonl", "train", "mined.jsonl").ResolvedAugmentation);
        Assert.Equal(TrainConfig.DefaultAugmentation with { WarpProbability = 0.5 },
            (b with { Augment = true }).TrainConfig("m.jsonl").ResolvedAugmentation);

        var e = Assert.Throws<ArgumentException>(() => (a with { Warp = 1.5 }).Validate());
        Assert.Equal("warp must be a probability in [0, 1], got 1.5", e.Message);
    }

    [Fact]
    public void ARunningMeanRedoesTrainingOnlyWhenSetAndReachesBothTrainingsModels()
    {
        var a = RecipeConfig.For(RecipeKind.Onset);
        var b = a with { RunningMean = 100 };
        Assert.Equal(0, a.RunningMean);
        Assert.Equal(StepKeys(a)[0], StepKeys(b)[0]);
        Assert.All(Enumerable.Range(1, 5), i => Assert.NotEqual(StepKeys(a)[i], StepKeys(b)[i]));
        Assert.Equal(["runningMean 0 -> 100"], b.Changes(a));
        Assert.Equal(100, b.TrainConfig("m.jsonl").Model.RunningMeanFrames);
        Assert.Equal(100, b.FineTuneConfig("m.jsonl", "train", "mined.jsonl").Model.RunningMeanFrames);
        Assert.Null(a.TrainConfig("m.jsonl").Model.RunningMeanFrames);

        foreach (var bad in new[] { 1, -5 })
        {
            var e = Assert.Throws<ArgumentException>(() => (a with { RunningMean = bad }).Validate());
            Assert.Equal($"running mean must be 0 (none) or a time constant of at least 2 frames, got {bad}", e.Message);
        }
    }

    [Fact]
    public void TheKwsRecipeSubtractsARunningMeanAndAFolderMadeBeforeItSaysSo()
    {
        var kws = RecipeConfig.For(RecipeKind.Kws);
        Assert.Equal(RecipeConfig.KwsRunningMean, kws.RunningMean);
        Assert.Equal(RecipeConfig.KwsRunningMean, kws.TrainConfig("m.jsonl").Model.RunningMeanFrames);
        var off = RecipeConfig.Resolve(RecipeKind.Kws, null, new JsonObject { ["runningMean"] = 0 });
        Assert.Null(off.TrainConfig("m.jsonl").Model.RunningMeanFrames);

        // A recipe.json written before the setting has no key for it: read back, that is none, and its stage keys are
        // the ones it was made with, so the folder keeps its stages; resumed with today's kws defaults, the change is named.
        using var dir = new ScratchDir();
        var file = dir.File("recipe.json");
        var written = JsonNode.Parse(off.ToJson())!.AsObject();
        Assert.True(written.Remove("runningMean"));
        File.WriteAllText(file, written.ToJsonString());
        var before = RecipeConfig.Read(file);
        Assert.Equal(0, before.RunningMean);
        Assert.Equal(StepKeys(off), StepKeys(before));
        Assert.Equal([$"runningMean 0 -> {RecipeConfig.KwsRunningMean}"], kws.Changes(before));
    }

    [Fact]
    public void APositiveFractionRedoesTheCorpusOnlyWhenSetAndReachesTheSynthesis()
    {
        var a = RecipeConfig.For(RecipeKind.Kws);
        var b = a with { PositiveFraction = 0.7 };
        // A late setting: at its default a folder made before it keeps every stage; set, it remakes the corpus and all after.
        Assert.Equal(StepKeys(a with { PositiveFraction = 0.5 }), StepKeys(a));
        Assert.All(Enumerable.Range(0, 6), i => Assert.NotEqual(StepKeys(a)[i], StepKeys(b)[i]));
        Assert.Equal(["positiveFraction 0.5 -> 0.7"], b.Changes(a));
        Assert.Equal(0.7, b.SynthConfig("corpus", force: false).PositiveFraction);
        Assert.Equal(new SynthConfig { OutputDirectory = "" }.PositiveFraction, a.SynthConfig("corpus", force: false).PositiveFraction);

        var e = Assert.Throws<ArgumentException>(() => (a with { PositiveFraction = 1.2 }).Validate());
        Assert.Equal("positive fraction must be in [0, 1], got 1.2", e.Message);
    }

    [Fact]
    public void ANearMissRuleRedoesTheCorpusOnlyWhenSetAndReachesTheSynthesis()
    {
        var a = RecipeConfig.For(RecipeKind.Kws);
        var b = a with { NearMisses = NearMissRule.NotAnAccent };
        Assert.Equal(StepKeys(a with { NearMisses = NearMissRule.AnyEdit }), StepKeys(a));
        Assert.All(Enumerable.Range(0, 6), i => Assert.NotEqual(StepKeys(a)[i], StepKeys(b)[i]));
        Assert.Equal(["nearMisses \"any-edit\" -> \"not-an-accent\""], b.Changes(a));
        Assert.Equal(NearMissRule.NotAnAccent, b.SynthConfig("corpus", force: false).NearMisses);
        Assert.Equal(NearMissRule.AnyEdit, a.SynthConfig("corpus", force: false).NearMisses);
    }

    [Fact]
    public void KeywordAccentsRedoTheCorpusOnlyWhenSetAndReachTheSynthesis()
    {
        var a = RecipeConfig.For(RecipeKind.Kws);
        var b = a with { KeywordAccents = 0.25 };
        Assert.Equal(StepKeys(a with { KeywordAccents = 0 }), StepKeys(a));
        Assert.All(Enumerable.Range(0, 6), i => Assert.NotEqual(StepKeys(a)[i], StepKeys(b)[i]));
        Assert.Equal(["keywordAccents 0 -> 0.25"], b.Changes(a));
        Assert.Equal(0.25, b.SynthConfig("corpus", force: false).KeywordAccents);
        Assert.Equal(0, a.SynthConfig("corpus", force: false).KeywordAccents);
        var e = Assert.Throws<ArgumentException>(() => (a with { KeywordAccents = 1.5 }).Validate());
        Assert.Equal("keyword accents must be in [0, 1], got 1.5", e.Message);
    }

    [Fact]
    public void NearMissAnchorsRedoTrainingOnlyWhenSetAndReachTheLoss()
    {
        var a = RecipeConfig.For(RecipeKind.Kws);
        var b = a with { NearMissAnchors = true };
        Assert.Equal(StepKeys(a)[0], StepKeys(b)[0]);
        Assert.All(Enumerable.Range(1, 5), i => Assert.NotEqual(StepKeys(a)[i], StepKeys(b)[i]));
        Assert.True(b.TrainConfig("m.jsonl").Loss.NearMissAnchors);
        Assert.False(a.TrainConfig("m.jsonl").Loss.NearMissAnchors);
        // The kws recipe doubles the confusables' share; onset keeps the default shares.
        Assert.Equal(new SamplerOptions { Positive = 0.3, Confusable = 0.4, Speech = 0.15, Background = 0.15 }, a.TrainConfig("m.jsonl").Sampler);
        Assert.Equal(SamplerOptions.Default, RecipeConfig.For(RecipeKind.Onset).TrainConfig("m.jsonl").Sampler);
    }

    [Fact]
    public void ABadConfigKeyIsOneErrorLineNamingFileLineAndField()
    {
        using var dir = new ScratchDir();
        var file = dir.File("bad.json");
        File.WriteAllText(file, "{\n  \"hours\": 1,\n  \"epoch\": 3\n}\n");
        var (code, stdout, stderr) = SalProcess.Run("recipe", "kws", "--config", file, "--out", dir.File("out"));
        Assert.True(code == 2, $"exit {code}: {stderr}");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains($"{file}:3", lines[0]);
        Assert.Contains("'epoch'", lines[0]);
        Assert.Contains("'epochs'", lines[0]);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(dir.File("out")), "nothing is written before the config is read");
    }
}
