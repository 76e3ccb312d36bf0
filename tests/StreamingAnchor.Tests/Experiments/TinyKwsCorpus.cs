using StreamingAnchor.Data.Synthesis;
using StreamingAnchor.Evaluation.Experiments;
using StreamingAnchor.Tests.Synthesis;

namespace StreamingAnchor.Tests.Experiments;

/// <summary>
/// Ten 3 s keyword streams made once per test class by the `sal synth` generator (espeak-ng and generated noise),
/// through the experiment's own data entry point. <see cref="Manifest"/> is null where espeak-ng or sox is missing.
/// </summary>
public sealed class TinyKwsCorpus : IDisposable
{
    public TinyKwsCorpus()
    {
        Dir = SynthFixture.TempDir("experiment");
        if (SynthFixture.EspeakAvailable)
        {
            Manifest = ExperimentRunner.PrepareData(SynthFixture.Tiny(SynthTask.Kws, Path.Combine(Dir, "data"), 10) with { ClipSeconds = 3 });
        }
    }

    public string Dir { get; }

    public string? Manifest { get; }

    /// <summary>The tiny grid the experiment tests run on this corpus: GRU x {CE, SAL} x 2 seeds, 2 epochs, 1 thread.</summary>
    public ExperimentConfig TinyGrid() => new()
    {
        Task = TaskKind.Kws,
        Data = Manifest!,
        Models = [ModelFamily.Gru],
        Losses = [LossKind.Ce, LossKind.Sal],
        Seeds = 2,
        Budget = new ExperimentBudget(2),
        BatchSize = 4,
        Threads = 1,
    };

    public string NewFolder(string name)
    {
        var path = Path.Combine(Dir, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
