using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Training;

/// <summary>
/// Files written before every file took one casing (ProjectJson) still read: a run folder of that time (OldFormatRun, the
/// first shipped "hey jarvis" model's PascalCase frontend.json and normalizer.json, train.json with "windowMode": "Random"
/// and "sa\u002Bfl"), the shipped models as committed, and a resume across the change.
/// </summary>
public class OldFormatTests
{
    [Fact]
    public void ARunFolderWrittenBeforeOneCasingLoads()
    {
        var run = new RunDirectory(RepoFiles.PathOf("tests", "StreamingAnchor.Tests", "Training", "OldFormatRun"));
        Assert.Contains("\"SampleRate\"", File.ReadAllText(run.PathOf(RunDirectory.FrontEndFile)));
        Assert.Contains("\"Mean\"", File.ReadAllText(run.PathOf(RunDirectory.NormalizerFile)));
        Assert.Contains("\"windowMode\": \"Random\"", File.ReadAllText(run.PathOf(TrainingRun.ConfigFile)));

        Assert.Equal(new FbankConfig(), run.LoadFrontEnd());
        Assert.Equal(run.ReadModelSpec().InputDim, run.LoadNormalizer()!.Dim);
        var config = TrainingRun.ReadConfig(run.PathOf(TrainingRun.ConfigFile));
        Assert.Equal(WindowMode.Random, config.WindowMode);
        Assert.Equal(LossKind.SaPlusFl, config.Loss.Kind);
    }

    [Theory]
    [InlineData("hey_jarvis")]
    [InlineData("onset")]
    public void TheShippedModelsLoadAsCommitted(string name)
    {
        var run = new RunDirectory(RepoFiles.PathOf("models", name));
        Assert.Equal(new FbankConfig(), run.LoadFrontEnd());
        Assert.Equal(run.ReadModelSpec().InputDim, run.LoadNormalizer()!.Dim);
        var config = TrainingRun.ReadConfig(run.PathOf(TrainingRun.ConfigFile));
        Assert.Equal(WindowMode.Random, config.WindowMode);
    }

    [Fact]
    public void APascalCaseFrontEndReadsAndKeepsItsFeatureCacheKey()
    {
        var old = "{\"SampleRate\": 16000, \"WindowSamples\": 400, \"HopSamples\": 320, \"FftSize\": 512, \"MelBins\": 40, \"LowFreq\": 20, " +
                  "\"HighFreq\": 0, \"PreEmphasis\": 0.97, \"RemoveDcOffset\": true, \"Window\": \"Hann\", \"SampleScale\": 32768, " +
                  "\"LogFloor\": 1.1920929E-07, \"EffectiveHighFreq\": 8000}";
        var config = FbankConfig.FromJson(old);
        Assert.Equal(new FbankConfig { HopSamples = 320, Window = FbankWindow.Hann }, config);
        Assert.Contains("\"hopSamples\": 320", config.ToJson());
        // sha256 of the compact PascalCase JSON of the default front end, as FbankConfig hashed it before one casing:
        // the feature caches made then stay valid.
        Assert.Equal("3ed6501037bbe3e9", new FbankConfig().Fingerprint());
    }

    [Fact]
    public void ARunStartedBeforeOneCasingResumesButAChangedSettingIsNamed()
    {
        using var dir = new ScratchDir();
        var path = dir.File("train.json");
        File.WriteAllText(path, """{"data": "m.jsonl", "loss": {"kind": "sa\u002Bfl"}, "windowMode": "Random", "windowSeconds": 2, "epochs": 3}""");
        var recorded = TrainingRun.ReadConfig(path);
        Assert.Equal(LossKind.SaPlusFl, recorded.Loss.Kind);

        // What fingerprint.json held for it: the hash of the old serialisation, which differs from today's.
        var then = new RunFingerprint("hash of the old text", "m", 1, 1, "a");
        var now = then with { Config = "hash of today's text" };
        Assert.Empty(then.Changes(now, recorded, recorded with { }));
        Assert.Equal(["config changed (epochs 3 -> 5)"], then.Changes(now, recorded, recorded with { Epochs = 5 }));
        // Without the recorded config only the hash can tell.
        Assert.Equal(["config changed"], then.Changes(now, null, recorded));
    }
}
