using System.Globalization;
using System.Text;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Festival voices kal_diphone, ked_diphone and cmu_us_slt_arctic_hts, one <c>festival -b</c> process per batch (a
/// process per utterance would pay festival's start-up every time). The script saves each waveform and its Segment end times.
/// Cut points: first phone start from the segments; last phone end from the segments for the HTS voice (exact) and
/// from frame energy for the diphone voices (their reported times drift). Timbre as in <see cref="FliteEngine"/>
/// (the HTS voice takes no F0 target, so its pitch moves with the timbre).
/// </summary>
public sealed class FestivalEngine : ITtsEngine
{
    private static readonly (string Name, string Speaker, string Folder, bool Hts)[] Table =
    [
        ("kal_diphone", "kal", "/usr/share/festival/voices/english/kal_diphone", false),
        ("ked_diphone", "ked", "/usr/share/festival/voices/english/ked_diphone", false),
        ("cmu_us_slt_arctic_hts", "slt", "/usr/share/festival/voices/us/cmu_us_slt_arctic_hts", true),
    ];

    public TtsEngineKind Kind => TtsEngineKind.Festival;

    public string? Unavailable()
    {
        if (!ToolRunner.Exists("festival"))
        {
            return "festival not found (apt package festival)";
        }
        return Table.Any(t => Directory.Exists(t.Folder))
            ? null
            : "festival has no English voice (apt packages festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts)";
    }

    public IReadOnlyList<Voice> Voices() =>
        Table.Where(t => Directory.Exists(t.Folder)).Select(t => new Voice(TtsEngineKind.Festival, t.Name, t.Speaker, FixedPitch: t.Hts)).ToList();

    /// <summary>
    /// A Scheme string literal holding <paramref name="text"/> verbatim: festival's reader (SIOD) ends a string at an
    /// unescaped quote, so quotes and backslashes are escaped; everything else, newlines and parentheses included, is
    /// literal inside a string.
    /// </summary>
    public static string SchemeString(string text)
    {
        var quoted = new StringBuilder(text.Length + 2);
        quoted.Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\')
            {
                quoted.Append('\\');
            }
            quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }

    public IReadOnlyList<float[]> Synthesize(IReadOnlyList<SpeechRequest> batch, string scratchDirectory, CancellationToken cancellationToken)
    {
        var script = new StringBuilder();
        script.Append("""
            (define (sa_dump utt path)
              (let ((fd (fopen path "w")))
                (mapcar (lambda (s) (format fd "%s %f\n" (item.name s) (item.feat s "end"))) (utt.relation.items utt 'Segment))
                (fclose fd)))

            """);
        var files = new List<(string Wav, string Seg)>();
        string? current = null;
        for (var i = 0; i < batch.Count; i++)
        {
            var request = batch[i];
            var entry = Table.First(t => t.Name == request.Voice.Name);
            if (current != entry.Name)
            {
                script.Append(CultureInfo.InvariantCulture, $"(voice_{entry.Name})\n");
                if (entry.Hts)
                {
                    script.Append("(set! sa_hts_base hts_engine_params)\n");
                }
                current = entry.Name;
            }
            if (entry.Hts)
            {
                // The HTS voice ignores Duration_Stretch; its engine's -r is the speed (>1 faster).
                script.Append(CultureInfo.InvariantCulture,
                    $"(set! hts_engine_params (append sa_hts_base (list (list \"-r\" {request.Speed / request.Timbre:F3}))))\n");
            }
            else
            {
                script.Append(CultureInfo.InvariantCulture, $"(Parameter.set 'Duration_Stretch {request.Timbre / request.Speed:F3})\n");
                script.Append(CultureInfo.InvariantCulture,
                    $"(set! int_lr_params '((target_f0_mean {105 * request.Pitch / request.Timbre:F1}) (target_f0_std 15) (model_f0_mean 170) (model_f0_std 34)))\n");
            }
            // The script names its outputs by index, relative to festival's working directory (the scratch folder), so no
            // path of the user's (an --out with quotes or parentheses) ever appears inside Scheme code.
            var wavName = string.Create(CultureInfo.InvariantCulture, $"utt{i}.wav");
            var segName = string.Create(CultureInfo.InvariantCulture, $"utt{i}.seg");
            files.Add((Path.Combine(scratchDirectory, wavName), Path.Combine(scratchDirectory, segName)));
            script.Append(CultureInfo.InvariantCulture, $"(set! sa_utt (utt.synth (Utterance Text {SchemeString(request.Text)})))\n");
            script.Append(CultureInfo.InvariantCulture, $"(utt.save.wave sa_utt \"{wavName}\" 'riff)\n");
            script.Append(CultureInfo.InvariantCulture, $"(sa_dump sa_utt \"{segName}\")\n");
        }
        const string scriptName = "batch.scm";
        var scriptPath = Path.Combine(scratchDirectory, scriptName);
        File.WriteAllText(scriptPath, script.ToString());
        try
        {
            var run = ToolRunner.RunChecked("festival", ["-b", scriptName], workingDirectory: scratchDirectory,
                cancellationToken: cancellationToken);
            var results = new List<float[]>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                var (wav, seg) = files[i];
                if (!File.Exists(wav) || !File.Exists(seg))
                {
                    var why = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "no output";
                    throw new SynthesisException($"festival: no audio for \"{batch[i].Text}\" ({batch[i].Voice.Name}): {why}");
                }
                var entry = Table.First(t => t.Name == batch[i].Voice.Name);
                var native = WavFile.Read(wav, targetRate: null);
                var span = PhoneTiming.SpeechSpan(PhoneTiming.ParseFestival(File.ReadAllText(seg)))
                    ?? throw new SynthesisException($"festival: no phone timing for \"{batch[i].Text}\" ({entry.Name})");
                var start = (int)Math.Round(span.Start * native.SampleRate);
                var end = entry.Hts
                    ? (int)Math.Round(span.End * native.SampleRate)
                    : SpeechCut.EnergyBounds(native.Samples, native.SampleRate, 40).End;
                end = Math.Min(end, native.Samples.Length);
                results.Add(SpeechCut.Cut(SpeechCut.Retimed(native, batch[i].Timbre), Math.Min(start, end - 1), end));
            }
            return results;
        }
        finally
        {
            File.Delete(scriptPath);
            foreach (var (wav, seg) in files)
            {
                File.Delete(wav);
                File.Delete(seg);
            }
        }
    }
}
