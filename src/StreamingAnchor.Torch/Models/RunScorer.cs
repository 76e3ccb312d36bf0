using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Inference;

namespace StreamingAnchor.Models;

/// <summary>
/// A trained run folder opened for the device loop: its TorchSharp model behind <see cref="FrameAudioScorer"/> with the
/// run's front end, normaliser and extra streams. `sal eval`, `sal stream`, `sal detect` and `sal mine` open runs here,
/// so they all feed the model the same way.
/// </summary>
public sealed class RunScorer : IDisposable
{
    private readonly TorchStreamingScorer frames;

    private RunScorer(RunDirectory run, RunModelSpec spec, StreamingModel model, FbankConfig frontEnd, FeatureNormalizer normalizer,
        IReadOnlyList<string> streamNames)
    {
        Run = run;
        Spec = spec;
        Model = model;
        FrontEnd = frontEnd;
        Normalizer = normalizer;
        frames = new TorchStreamingScorer(model);
        Audio = new FrameAudioScorer(frames, frontEnd, normalizer, streamNames);
    }

    public RunDirectory Run { get; }

    public RunModelSpec Spec { get; }

    /// <summary>The model in eval mode (owned).</summary>
    public StreamingModel Model { get; }

    public FbankConfig FrontEnd { get; }

    public FeatureNormalizer Normalizer { get; }

    /// <summary>Audio (and the run's extra streams) in, posteriors out.</summary>
    public IAudioScorer Audio { get; }

    /// <summary>Opens a run folder; a missing or malformed file is one error naming it.</summary>
    public static RunScorer Open(string runPath)
    {
        var run = new RunDirectory(runPath);
        var spec = run.ReadModelSpec();
        var frontEnd = run.LoadFrontEnd() ?? throw new FileNotFoundException($"{run.PathOf(RunDirectory.FrontEndFile)}: not found");
        var normalizer = run.LoadNormalizer() ?? throw new FileNotFoundException($"{run.PathOf(RunDirectory.NormalizerFile)}: not found");
        var streams = run.StreamNames();
        var model = run.LoadModel();
        try
        {
            return new RunScorer(run, spec, model, frontEnd, normalizer, streams);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The device loop over this run with <paramref name="detector"/>'s rules.</summary>
    public StreamingPipeline Pipeline(DetectorConfig detector) => new(Audio, FrontEnd, detector);

    public void Dispose()
    {
        Audio.Dispose();
        frames.Dispose();
        Model.Dispose();
    }
}
