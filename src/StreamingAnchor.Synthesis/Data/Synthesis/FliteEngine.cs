using System.Globalization;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Flite voices kal16, awb, rms, slt (one process per utterance; `sal bench tts` measures the rate). Cut points: the first
/// phone's start from <c>-psdur</c> for every voice; the last phone's end from <c>-psdur</c> for slt and rms (a few ms
/// accurate) and from frame energy for kal16 and awb, whose reported times drift. Timbre: the engine stretches the
/// duration by the timbre factor and lowers its F0 target by it, then the audio is played that much faster
/// (<see cref="SpeechCut.Retimed"/>), so speed and F0 are as requested and only the formants move.
/// </summary>
public sealed class FliteEngine : ITtsEngine
{
    /// <summary>Voice, its speaker group, the F0 mean a pitch factor of 1 maps to (0 = pitch cannot be set), exact end timing.</summary>
    private static readonly (string Name, string Speaker, double F0, bool ExactEnd)[] Table =
    [
        ("awb", "awb", 110, false),
        ("kal16", "kal", 105, false),
        ("rms", "rms", 0, true),
        ("slt", "slt", 175, true),
    ];

    public TtsEngineKind Kind => TtsEngineKind.Flite;

    public string? Unavailable() => ToolRunner.Exists("flite") ? null : "flite not found (apt package flite)";

    public IReadOnlyList<Voice> Voices() =>
        Table.Select(t => new Voice(TtsEngineKind.Flite, t.Name, t.Speaker, FixedPitch: t.F0 == 0)).ToList();

    public IReadOnlyList<float[]> Synthesize(IReadOnlyList<SpeechRequest> batch, string scratchDirectory, CancellationToken cancellationToken)
    {
        var results = new List<float[]>(batch.Count);
        foreach (var request in batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = Table.First(t => t.Name == request.Voice.Name);
            var wavName = $"flite-{request.CacheKey}.wav";
            var wav = Path.Combine(scratchDirectory, wavName);
            var args = new List<string>
            {
                "-voice", entry.Name, "-psdur",
                "--setf", string.Create(CultureInfo.InvariantCulture, $"duration_stretch={request.Timbre / request.Speed:F3}"),
            };
            if (entry.F0 > 0)
            {
                args.AddRange(["--setf", string.Create(CultureInfo.InvariantCulture, $"int_f0_target_mean={entry.F0 * request.Pitch / request.Timbre:F1}")]);
            }
            // -t takes the next argument as the text whatever it starts with; the output is relative to the scratch folder,
            // like every engine's, so no tool sees the user's --out path.
            args.AddRange(["-t", request.Text, "-o", wavName]);
            var output = ToolRunner.RunChecked("flite", args, workingDirectory: scratchDirectory, cancellationToken: cancellationToken).StdoutText;
            try
            {
                var native = WavFile.Read(wav, targetRate: null);
                var span = PhoneTiming.SpeechSpan(PhoneTiming.ParseFlite(output))
                    ?? throw new SynthesisException($"flite: no phone timing for \"{request.Text}\" ({entry.Name})");
                var start = (int)Math.Round(span.Start * native.SampleRate);
                int end;
                if (entry.ExactEnd)
                {
                    end = (int)Math.Round(span.End * native.SampleRate);
                }
                else
                {
                    end = SpeechCut.EnergyBounds(native.Samples, native.SampleRate, 40).End;
                }
                end = Math.Min(end, native.Samples.Length);
                results.Add(SpeechCut.Cut(SpeechCut.Retimed(native, request.Timbre), Math.Min(start, end - 1), end));
            }
            finally
            {
                File.Delete(wav);
            }
        }
        return results;
    }
}
