using System.Diagnostics;

namespace StreamingAnchor.Tests.Peers;

/// <summary>Speech made on the spot with espeak-ng or flite (installed by scripts/setup.sh), as 16 kHz floats via sox.</summary>
internal static class TtsAudio
{
    /// <summary>Speaks <paramref name="text"/> with "espeak:VOICE" or "flite:VOICE", resampled to 16 kHz mono in [-1,1].</summary>
    public static float[] Speak(string engineVoice, string text)
    {
        var (engine, voice) = (engineVoice.Split(':')[0], engineVoice.Split(':')[1]);
        var wav = Path.Combine(Path.GetTempPath(), $"sal-tts-{Guid.NewGuid():N}.wav");
        try
        {
            if (engine == "espeak")
            {
                Run("espeak-ng", ["-v", voice, "-w", wav, text]);
            }
            else
            {
                Run("flite", ["-voice", voice, "-t", text, "-o", wav]);
            }
            var raw = Run("sox", [wav, "-t", "raw", "-r", "16000", "-e", "signed", "-b", "16", "-c", "1", "-"], binary: true);
            var samples = new float[raw.Length / 2];
            for (var i = 0; i < samples.Length; i++)
            {
                samples[i] = BitConverter.ToInt16(raw, 2 * i) / 32768f;
            }
            return Trim(samples);
        }
        finally
        {
            File.Delete(wav);
        }
    }

    /// <summary>Cuts the engine's leading and trailing silence (TTS engines pad both), so the clip ends where the speech ends.</summary>
    public static float[] Trim(float[] clip, float level = 1e-3f)
    {
        var first = Array.FindIndex(clip, x => Math.Abs(x) > level);
        var last = Array.FindLastIndex(clip, x => Math.Abs(x) > level);
        return first < 0 ? [] : clip[first..(last + 1)];
    }

    /// <summary><paramref name="lead"/> s of silence, the clip, then <paramref name="tail"/> s of silence.</summary>
    public static float[] Pad(float[] clip, double lead, double tail)
    {
        var a = (int)(lead * 16000);
        var result = new float[a + clip.Length + (int)(tail * 16000)];
        clip.CopyTo(result, a);
        return result;
    }

    private static byte[] Run(string file, string[] args, bool binary = false)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        using var ms = new MemoryStream();
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {err.Result}");
        }
        return binary ? ms.ToArray() : [];
    }
}
