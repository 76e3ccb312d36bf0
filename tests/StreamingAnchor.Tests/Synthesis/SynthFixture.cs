using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

/// <summary>Tiny espeak-ng corpora with generated noise only (real-source packages may be absent), made in temp folders.</summary>
public static class SynthFixture
{
    public static string TempDir(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "sa-synth-tests", $"{name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static SynthConfig Tiny(SynthTask task, string output, int clips = 8) => new()
    {
        Task = task,
        OutputDirectory = output,
        Clips = clips,
        Seed = 7,
        ClipSeconds = 4,
        Engines = ["espeak"],
        Sources = [],
        Workers = 2,
    };

    public static bool EspeakAvailable => ToolRunner.Exists("espeak-ng") && ToolRunner.Exists("sox");
}
