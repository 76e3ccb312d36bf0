using System.Text.Json.Nodes;
using StreamingAnchor.Audio;
using StreamingAnchor.Models;
using TorchSharp;

namespace StreamingAnchor.Tests.Models;

[Collection(LibTorchRngCollection.Name)]
public class RunDirectoryTests
{
    [Theory]
    [MemberData(nameof(StreamingHarness.Families), MemberType = typeof(StreamingHarness))]
    public void ARunReloadsFromItsFolderAloneWithIdenticalOutputs(ModelFamily family)
    {
        using var folder = new ScratchDir();
        torch.manual_seed(5);
        using var model = ModelFactory.Create(new ModelConfig { Family = family, Hidden = 24, LookAhead = 1 }, 44, 2);
        model.eval();
        var run = new RunDirectory(folder.File("run"));
        run.SaveModel(model, ["hey", "stop"]);

        torch.manual_seed(99); // a different init, so equal outputs can only come from the loaded weights
        using var loaded = new RunDirectory(folder.File("run")).LoadModel();
        Assert.Equal(model.Config, loaded.Config);
        Assert.Equal(44, loaded.InputDim);
        Assert.Equal(2, loaded.NumClasses);
        Assert.Equal(["hey", "stop"], run.ReadModelSpec().Labels);
        using var x = StreamingHarness.Features(1, 20, 44);
        using var a = StreamingHarness.Offline(model, x);
        using var b = StreamingHarness.Offline(loaded, x);
        Assert.Equal(0.0, StreamingHarness.MaxAbsDiff(a, b));
        Assert.Empty(Directory.GetFiles(run.Root, "*" + AtomicFile.TempMarker + "*"));
    }

    [Fact]
    public void SideDocumentsRoundTripAndAreOptional()
    {
        using var folder = new ScratchDir();
        var run = new RunDirectory(folder.Path);
        Assert.Null(run.LoadNormalizer());
        Assert.Null(run.LoadFrontEnd());
        Assert.Null(run.ReadTrainingSummary());
        run.SaveNormalizer(new FeatureNormalizer([1.5f, -2f], [0.5f, 3f]));
        run.SaveFrontEnd(new FbankConfig { MelBins = 64 });
        run.SaveTrainingSummary(new TrainingSummary { EpochsDone = 3, Loss = LossKind.SaPlusFl, Streams = ["acc"] });
        Assert.Equal(-2f, run.LoadNormalizer()!.Mean[1]);
        Assert.Equal(3f, run.LoadNormalizer()!.Std[1]);
        Assert.Equal(64, run.LoadFrontEnd()!.MelBins);
        Assert.Equal(3, run.ReadTrainingSummary()!.EpochsDone);
        Assert.Equal(LossKind.SaPlusFl, run.ReadTrainingSummary()!.Loss);
        Assert.Equal(["acc"], run.StreamNames());
        // Written in the project's format: camelCase keys, the loss by its name, unset values left out.
        var text = File.ReadAllText(run.PathOf(RunDirectory.TrainingSummaryFile));
        Assert.Contains("\"epochsDone\": 3", text);
        Assert.Contains("\"loss\": \"sa+fl\"", text);
        Assert.DoesNotContain("bestDevMetric", text);
    }

    [Fact]
    public void ANewerFormatVersionFailsNamingTheFile()
    {
        using var folder = new ScratchDir();
        using var model = ModelFactory.Create(new ModelConfig { Family = ModelFamily.Gru, Hidden = 8 }, 40, 1);
        var run = new RunDirectory(folder.Path);
        run.SaveModel(model);
        var path = run.PathOf(RunDirectory.ModelFile);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"formatVersion\": 1", "\"formatVersion\": 7"));
        var e = Assert.Throws<InvalidDataException>(() => run.LoadModel());
        Assert.Contains(path, e.Message);
        Assert.Contains("version 7", e.Message);
    }

    [Fact]
    public void MissingVersionCorruptJsonAndMissingFolderFailClearly()
    {
        using var folder = new ScratchDir();
        var run = new RunDirectory(folder.Path);
        var missing = Assert.Throws<FileNotFoundException>(() => run.LoadModel());
        Assert.Contains(RunDirectory.ModelFile, missing.Message);

        File.WriteAllText(run.PathOf(RunDirectory.ModelFile), "{\"model\": {\"family\": \"gru\"}, \"inputDim\": 40, \"numClasses\": 1}");
        Assert.Contains("formatVersion", Assert.Throws<InvalidDataException>(() => run.ReadModelSpec()).Message);

        File.WriteAllText(run.PathOf(RunDirectory.ModelFile), "{ not json");
        Assert.Contains(run.PathOf(RunDirectory.ModelFile), Assert.Throws<InvalidDataException>(() => run.ReadModelSpec()).Message);
    }

    [Fact]
    public void WeightsOfAnotherShapeOrCorruptWeightsFailNamingTheWeightsFile()
    {
        using var folder = new ScratchDir();
        var run = new RunDirectory(folder.Path);
        using (var model = ModelFactory.Create(new ModelConfig { Family = ModelFamily.Gru, Hidden = 8 }, 40, 1))
        {
            run.SaveModel(model);
        }

        var path = run.PathOf(RunDirectory.ModelFile);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"hidden\": 8", "\"hidden\": 9"));
        var e = Assert.Throws<InvalidDataException>(() => run.LoadModel());
        Assert.Contains(run.PathOf(RunDirectory.WeightsFile), e.Message);

        File.WriteAllText(path, File.ReadAllText(path).Replace("\"hidden\": 9", "\"hidden\": 8"));
        File.WriteAllBytes(run.PathOf(RunDirectory.WeightsFile), [1, 2, 3]);
        e = Assert.Throws<InvalidDataException>(() => run.LoadModel());
        Assert.Contains(run.PathOf(RunDirectory.WeightsFile), e.Message);
    }
}
