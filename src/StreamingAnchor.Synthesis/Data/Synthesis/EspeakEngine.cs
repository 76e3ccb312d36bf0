using System.Globalization;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// eSpeak NG through its CLI with <c>-z</c>: it pads with exact zeros, so the first non-zero sample is the first phone.
/// Every language voice of <c>espeak-ng --voices</c> times every variant of <c>--voices=variant</c>. Voices are named by
/// their file (<c>gmw/en+f3</c>): the language name <c>en-gb+X</c> silently ignores X in 1.51, the file does not.
/// </summary>
public sealed class EspeakEngine : ITtsEngine
{
    /// <summary>Default speaking rate of espeak-ng, words per minute.</summary>
    public const int BaseRate = 175;

    private IReadOnlyList<string>? languages;
    private IReadOnlyList<string>? variants;
    private IReadOnlyList<Voice>? voices;

    public TtsEngineKind Kind => TtsEngineKind.Espeak;

    public string? Unavailable() => ToolRunner.Exists("espeak-ng") ? null : "espeak-ng not found (apt package espeak-ng)";

    /// <summary>The language voices (their files, e.g. <c>gmw/en-US</c>, <c>roa/it</c>), in listing order made ordinal.</summary>
    public IReadOnlyList<string> Languages() => languages ??= ListFiles("--voices", file => !file.StartsWith('!') && !file.StartsWith("mb/", StringComparison.Ordinal));

    /// <summary>The variants (timbres, e.g. <c>f3</c>, <c>klatt2</c>) plus "" for the language voice's own.</summary>
    public IReadOnlyList<string> Variants() => variants ??= [.. ListFiles("--voices=variant", file => file.StartsWith("!v/", StringComparison.Ordinal))
        .Select(f => f[3..]).Prepend("").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The voice of a language file and a variant (one of <see cref="Variants"/>).</summary>
    public static Voice VoiceOf(string language, string variant) =>
        new(TtsEngineKind.Espeak, variant.Length == 0 ? language : $"{language}+{variant}",
            $"espeak-variant:{(variant.Length == 0 ? "default" : variant)}", language);

    /// <summary>Every language voice with every variant (about 131 x 102 with espeak-ng 1.51).</summary>
    public IReadOnlyList<Voice> Voices() =>
        voices ??= [.. Languages().SelectMany(language => Variants().Select(variant => VoiceOf(language, variant)))];

    /// <summary>
    /// The phonemes espeak-ng would speak for <paramref name="text"/> with a language voice: IPA (<c>--ipa</c>) or its
    /// ASCII mnemonics (<c>-x</c>, the form <c>[[...]]</c> accepts), phonemes separated by <paramref name="separator"/>
    /// when given. Null, with why, when the voice cannot speak (espeak-ng exits with an error or reports a missing
    /// voice or dictionary on stderr).
    /// </summary>
    public static (string? Phonemes, string? Problem) Phonemize(string language, string text, bool ipa, char? separator = null)
    {
        var args = new List<string> { "-q", ipa ? "--ipa" : "-x", "-v", language };
        if (separator is { } sep)
        {
            args.Add($"--sep={sep}");
        }
        args.AddRange(["--", TextBank.CleanText(text)]);
        var run = ToolRunner.Run("espeak-ng", args);
        var stderr = run.Stderr.Trim();
        if (run.ExitCode != 0 || stderr.Length > 0 || run.StdoutText.Contains("does not exist", StringComparison.Ordinal))
        {
            return (null, ErrorText.OneLine(stderr.Length > 0 ? stderr : run.StdoutText.Trim()));
        }
        return (string.Join(' ', run.StdoutText.Split(['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries)), null);
    }

    /// <summary>
    /// <see cref="Phonemize"/> (IPA) of one text for many language voices, a few processes instead of one per voice:
    /// each chunk of voices is one SSML document switching <c>&lt;voice name=...&gt;</c>, one output line per voice.
    /// A chunk that reports anything on stderr (a voice or dictionary missing) or gives another number of lines is
    /// redone voice by voice, so a problem is pinned on its voice.
    /// </summary>
    public static IReadOnlyList<(string? Ipa, string? Problem)> PhonemizeAll(IReadOnlyList<string> languages, string text, int workers,
        CancellationToken cancellationToken = default)
    {
        const int chunk = 16;
        var clean = TextBank.CleanText(text);
        var results = new (string? Ipa, string? Problem)[languages.Count];
        var chunks = Enumerable.Range(0, (languages.Count + chunk - 1) / chunk).ToList();
        ParallelWork.ForEach(chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = cancellationToken }, c =>
        {
            var members = Enumerable.Range(c * chunk, Math.Min(chunk, languages.Count - c * chunk)).ToList();
            // Voice names are espeak's own file names (letters, digits, '/', '-'), the text is clean: nothing here is markup but ours.
            var ssml = "<speak>" + string.Concat(members.Select(i => $"<voice name=\"{languages[i]}\">{clean}</voice>\n")) + "</speak>";
            var run = ToolRunner.Run("espeak-ng", ["-q", "--ipa", "-m", "--", ssml], cancellationToken: cancellationToken);
            var lines = run.StdoutText.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.Length > 0).ToList();
            if (run.ExitCode == 0 && run.Stderr.Trim().Length == 0 && lines.Count == members.Count)
            {
                for (var k = 0; k < members.Count; k++)
                {
                    results[members[k]] = (lines[k], null);
                }
                return;
            }
            foreach (var i in members)
            {
                results[i] = Phonemize(languages[i], clean, ipa: true);
            }
        });
        return results;
    }

    private static List<string> ListFiles(string option, Func<string, bool> keep)
    {
        var listing = ToolRunner.RunChecked("espeak-ng", [option]).StdoutText;
        var files = new List<string>();
        foreach (var line in listing.Split('\n').Skip(1))
        {
            var file = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(4);
            if (file is not null && keep(file))
            {
                files.Add(file);
            }
        }
        return files.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
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
                "-p", pitch.ToString(CultureInfo.InvariantCulture), "-a", request.Amplitude.ToString(CultureInfo.InvariantCulture),
                "-g", request.WordGap.ToString(CultureInfo.InvariantCulture), "-z", "-w", wavName,
                .. request.EmphasizedWord is null ? Array.Empty<string>() : ["-m"],
                // "--" ends the options: a text starting with '-' (a keyword such as "-q hey") is spoken, not parsed.
                "--", SpokenText(request),
            ], workingDirectory: scratchDirectory, cancellationToken: cancellationToken);
            try
            {
                var native = WavFile.Read(wav, targetRate: null);
                var (start, end) = SpeechCut.NonZeroBounds(native.Samples);
                // Female variants end in a faint breath tail instead of zeros, and some language voices (inc/sd) leave
                // 30-40 ms at -40..-50 dB after the final /s/: the -40 dB energy end, as for flite and festival, excludes both.
                var (_, energyEnd) = SpeechCut.EnergyBounds(native.Samples, native.SampleRate, 40);
                results.Add(SpeechCut.Cut(native, start, Math.Max(start + 1, Math.Min(end, energyEnd))));
            }
            finally
            {
                File.Delete(wav);
            }
        }
        return results;
    }

    /// <summary>
    /// The text argument: phonemes inside <c>[[...]]</c> (they cannot hold brackets, see
    /// <see cref="SpeechRequest.CleanPhonemes"/>), or SSML with one emphasised word (the clean text holds no
    /// <c>&lt; &gt; &amp;</c>, so only this markup is markup), or the text itself.
    /// </summary>
    public static string SpokenText(SpeechRequest request)
    {
        if (request.IsPhonemes)
        {
            return $"[[{request.Text}]]";
        }
        if (request.EmphasizedWord is not { } w)
        {
            return request.Text;
        }
        var words = request.Text.Split(' ');
        words[w] = $"<emphasis>{words[w]}</emphasis>";
        return string.Join(' ', words);
    }
}
