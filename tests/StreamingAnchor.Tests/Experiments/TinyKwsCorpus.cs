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
