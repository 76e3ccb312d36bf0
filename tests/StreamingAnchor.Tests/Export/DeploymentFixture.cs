using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Models;
using StreamingAnchor.Tests.Training;
using StreamingAnchor.Training;
using TorchSharp;

namespace StreamingAnchor.Tests.Export;

/// <summary>
/// A run as `sal train` + `sal eval` leave it (model, front end, normaliser, eval/metrics.json over a generated test
/// split) and a 4 s speech-like WAV, for the export / detect / conformance tests.
/// </summary>
public sealed class DeploymentFixture : IDisposable
{
    private readonly ScratchDir folder = new();

    public DeploymentFixture(ModelFamily family = ModelFamily.Gru, int lookAhead = 1)
    {
        var fbank = new FbankConfig();
        Wav = folder.File("clip.wav");
        WavFile.Write(Wav, RawAudioExportTests.Recorded(16000 * 4, seed: 8), 16000);
        var audio = WavFile.Read(Wav).Samples;
        Run = folder.File("run");
        torch.manual_seed(3);
        using (var model = ModelFactory.Create(new ModelConfig { Family = family, Preset = ModelSize.Small, LookAhead = lookAhead }, 40, 1))
        {
            var run = new RunDirectory(Run);
            run.SaveModel(model, ["tone"]);
            run.SaveFrontEnd(fbank);
            run.SaveNormalizer(FeatureNormalizer.Fit([new FbankExtractor(fbank).Compute(audio)]));
        }

        var corpus = Directory.CreateDirectory(folder.File("corpus")).FullName;
        Manifest = ToneKwsCorpus.Write(corpus, clips: 12);
        Evaluation = RunEvaluator.Evaluate(Run, Manifest);
    }

    public string Run { get; }

    public string Wav { get; }

    /// <summary>The generated corpus the run was evaluated on (its test split).</summary>
    public string Manifest { get; }

    public EvaluationSummary Evaluation { get; }

    public string File(string name) => folder.File(name);

    public void Dispose() => folder.Dispose();
}
