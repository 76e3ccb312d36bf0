namespace StreamingAnchor.Audio;

/// <summary>Any audio file as mono float samples at a given rate: WAV read directly, everything else (FLAC, MP3, OGG, ...) through ffmpeg.</summary>
public static class AudioDecoder
{
    public static float[] Read(string path, int sampleRate)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: audio file not found", path);
        }

        if (string.Equals(Path.GetExtension(path), ".wav", StringComparison.OrdinalIgnoreCase))
        {
            return WavFile.Read(path, sampleRate).Samples;
        }

        if (!ToolRunner.Exists("ffmpeg"))
        {
            throw new IOException($"{path}: decoding {Path.GetExtension(path)} needs ffmpeg, which is not on PATH (install it, or convert the file to WAV)");
        }

        // A file: URL, so a name that looks like an option or a protocol (say "-x.mp3" or "http:a.ogg") is still read as a local file.
        var result = ToolRunner.Run("ffmpeg",
            ["-nostdin", "-v", "error", "-i", "file:" + Path.GetFullPath(path), "-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", sampleRate.ToString(), "-"]);
        if (result.ExitCode != 0)
        {
            var reason = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"exit code {result.ExitCode}";
            throw new InvalidDataException($"{path}: ffmpeg cannot decode it ({reason})");
        }

        return Pcm16Reader.Decode(result.Stdout, result.Stdout.Length / 2);
    }
}
