using StreamingAnchor.Audio;
using StreamingAnchor.Models;
using TorchSharp;

namespace StreamingAnchor.Tests.Reliability;

/// <summary>A small untrained keyword run on disk (model, front end, normaliser): enough to load, stream and export.</summary>
internal static class TinyRun
{
    public const string Label = "keyword";

    public static RunDirectory Create(string path, Action<StreamingModel>? damage = null)
    {
        var fbank = new FbankConfig();
        torch.manual_seed(5);
        using var model = ModelFactory.Create(new ModelConfig { Family = ModelFamily.Tcn }, fbank.MelBins, 1);
        damage?.Invoke(model);
        var run = new RunDirectory(path);
        run.SaveModel(model, [Label]);
        run.SaveFrontEnd(fbank);
        run.SaveNormalizer(FeatureNormalizer.Identity(fbank.MelBins));
        return run;
    }
}
