using System.Globalization;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// eSpeak NG through its CLI with <c>-z</c>: it pads with exact zeros, so the first non-zero sample is the first phone.
/// The 8 English accents times every variant; <c>en-gb+X</c> silently ignores X in 1.51, so British voices are <c>en+X</c>.
/// </summary>
public sealed class EspeakEngine : ITtsEngine
{
    public static readonly IReadOnlyList<string> Accents =
        ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029", "en-us-nyc"];

    /// <summary>Default speaking rate of espeak-ng, words per minute.</summary>
    public const int BaseRate = 175;

    private IReadOnlyList<Voice>? voices;

    public TtsEngineKind Kind => TtsEngineKind.Espeak;

    public string? Unavailable() => ToolRunner.Exists("espeak-ng") ? null : "espeak-ng not found (apt package espeak-ng)";

    public IReadOnlyList<Voice> Voices()
    {
        if (voices is not null)
        {
            return voices;
        }
        var variants = new List<string> { "" };
        var listing = ToolRunner.RunChecked("espeak-ng", ["--voices=variant"]).StdoutText;
        foreach (var line in listing.Split('\n').Skip(1))
        {
            var file = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(4);
            if (file is not null && file.StartsWith("!v/", StringComparison.Ordinal))
            {
                variants.Add(file[3..]);
            }
        }
        variants = variants.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var list = new List<Voice>();
        foreach (var accent in Accents)
        {
            var baseName = accent == "en-gb" ? "en" : accent;
            foreach (var variant in variants)
            {
                var name = variant.Length == 0 ? accent : $"{baseName}+{variant}";
                list.Add(new Voice(TtsEngineKind.Espeak, name, $"espeak-variant:{(variant.Length == 0 ? "default" : variant)}"));
            }
        }
        return voices = list;
    }

    public IReadOnlyList<float[]> Synthesize(IReadOnlyList<SpeechRequest> batch, string scratchDirectory, CancellationToken cancellationToken)
    {
        var results = new List<float[]>(batch.Count);
        foreach (var request in batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A relative name in the scratch folder: espeak-ng truncates -w paths at 200 bytes, so a deep --out broke it.
            var wavName = $"espeak-{request.CacheKey}.wav";
            var wav = Path.Combine(scratchDirectory, wavName);
            var rate = (int)Math.Round(Math.Clamp(BaseRate * request.Speed, 80, 450));
            var pitch = (int)Math.Round(Math.Clamp(50 * request.Pitch, 0, 99));
            ToolRunner.RunChecked("espeak-ng",
            [
                "-v", request.Voice.Name, "-s", rate.ToString(CultureInfo.InvariantCulture),
                "-p", pitch.ToString(CultureInfo.InvariantCulture), "-a", "100", "-z", "-w", wavName,
                // "--" ends the options: a text starting with '-' (a keyword such as "-q hey") is spoken, not parsed.
                "--", request.Text,
            ], workingDirectory: scratchDirectory, cancellationToken: cancellationToken);
            try
            {
                var native = WavFile.Read(wav, targetRate: null);
                var (start, end) = SpeechCut.NonZeroBounds(native.Samples);
                // Female variants end in a faint breath tail instead of zeros; the -50 dB energy end excludes it.
                var (_, energyEnd) = SpeechCut.EnergyBounds(native.Samples, native.SampleRate, 50);
                results.Add(SpeechCut.Cut(native, start, Math.Max(start + 1, Math.Min(end, energyEnd))));
            }
            finally
            {
                File.Delete(wav);
            }
        }
        return results;
    }
}
