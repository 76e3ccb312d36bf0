using System.Buffers.Binary;

namespace StreamingAnchor.Audio;

/// <summary>
/// RIFF/WAVE reading (PCM 8/16/24/32-bit, IEEE float 32/64, WAVE_FORMAT_EXTENSIBLE, any channel count mixed
/// down to mono, any rate resampled) and PCM16 mono writing. Every malformed file gives one
/// <see cref="InvalidDataException"/> naming the file; sizes claimed by headers are checked against the real
/// file length before anything is allocated.
/// </summary>
public static class WavFile
{
    private const ushort FormatPcm = 1;
    private const ushort FormatFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;
    private const int MaxChannels = 256;
    private const int MaxSampleRate = 1_000_000;

    /// <summary>Reads a WAV file as mono float in [-1, 1], resampled to <paramref name="targetRate"/> unless it is null.</summary>
    public static AudioClip Read(string path, int? targetRate = 16000)
    {
        if (targetRate is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(targetRate), $"target rate must be positive, got {targetRate}");
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: audio file not found", path);
        }
        AudioClip clip;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        {
            clip = ReadStream(stream, path);
        }
        if (targetRate is { } rate && rate != clip.SampleRate)
        {
            clip = new AudioClip(Resampler.Resample(clip.Samples, clip.SampleRate, rate), rate);
        }
        return clip;
    }

    /// <summary>Reads only the header: native sample rate, channels and duration, without decoding samples.</summary>
    public static WavInfo ReadInfo(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: audio file not found", path);
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        var layout = ReadLayout(stream, path);
        return new WavInfo(layout.Format.SampleRate, layout.Format.Channels, layout.Format.BitsPerSample,
            layout.Format.IsFloat, layout.FrameCount);
    }

    /// <summary>Writes mono PCM16 (samples clipped to [-1, 1]) atomically: a crash never leaves half a file.</summary>
    public static void Write(string path, ReadOnlySpan<float> samples, int sampleRate)
    {
        if (sampleRate is <= 0 or > MaxSampleRate)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), $"{path}: sample rate must be in 1..{MaxSampleRate}, got {sampleRate}");
        }
        if ((long)samples.Length * 2 > uint.MaxValue - 44)
        {
            throw new ArgumentException($"{path}: {samples.Length} samples do not fit a WAV file");
        }
        var dataBytes = samples.Length * 2;
        var bytes = new byte[44 + dataBytes];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)(36 + dataBytes));
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], FormatPcm);
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(span[28..], (uint)(sampleRate * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], (uint)dataBytes);
        for (var i = 0; i < samples.Length; i++)
        {
            var x = samples[i];
            if (!float.IsFinite(x))
            {
                throw new ArgumentException($"{path}: sample {i} is not a finite number ({x})");
            }
            var v = (int)MathF.Round(Math.Clamp(x, -1f, 1f) * 32767f);
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + (2 * i))..], (short)v);
        }
        AtomicFile.WriteAllBytes(path, bytes);
    }

    private static AudioClip ReadStream(FileStream stream, string path)
    {
        var layout = ReadLayout(stream, path);
        var format = layout.Format;
        var channels = format.Channels;
        var bytesPerSample = format.BitsPerSample / 8;
        var frames = layout.FrameCount;
        var mono = new float[frames];
        var scale = 1f / channels;

        stream.Position = layout.DataOffset;
        var frameBytes = format.BlockAlign;
        var buffer = new byte[Math.Max(frameBytes, (1 << 16) / frameBytes * frameBytes)];
        var frame = 0;
        while (frame < frames)
        {
            var want = (int)Math.Min(buffer.Length, (long)(frames - frame) * frameBytes);
            stream.ReadExactly(buffer, 0, want);
            var n = want / frameBytes;
            for (var f = 0; f < n; f++)
            {
                var baseOffset = f * frameBytes;
                var sum = 0f;
                for (var c = 0; c < channels; c++)
                {
                    sum += Decode(buffer.AsSpan(baseOffset + (c * bytesPerSample), bytesPerSample), format);
                }
                var value = sum * scale;
                if (!float.IsFinite(value))
                {
                    throw new InvalidDataException($"{path}: sample {frame + f} is not a finite number");
                }
                mono[frame + f] = value;
            }
            frame += n;
        }
        return new AudioClip(mono, format.SampleRate);
    }

    private static float Decode(ReadOnlySpan<byte> b, WavFormat format)
    {
        if (format.IsFloat)
        {
            return format.BitsPerSample == 32
                ? BinaryPrimitives.ReadSingleLittleEndian(b)
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(b);
        }
        return format.BitsPerSample switch
        {
            8 => (b[0] - 128) / 128f,
            16 => BinaryPrimitives.ReadInt16LittleEndian(b) / 32768f,
            24 => ((b[0] << 8 | b[1] << 16 | b[2] << 24) >> 8) / 8388608f,
            _ => (float)(BinaryPrimitives.ReadInt32LittleEndian(b) / 2147483648.0),
        };
    }

    private static WavLayout ReadLayout(FileStream stream, string path)
    {
        var fileLength = stream.Length;
        Span<byte> header = stackalloc byte[12];
        if (fileLength < 12 || stream.Read(header) != 12)
        {
            throw new InvalidDataException($"{path}: not a WAV file (only {fileLength} bytes, shorter than a RIFF header)");
        }
        if (!header[..4].SequenceEqual("RIFF"u8) || !header[8..12].SequenceEqual("WAVE"u8))
        {
            var tag = header[..4].SequenceEqual("RF64"u8) ? " (RF64 is not supported)" : "";
            throw new InvalidDataException($"{path}: bad header, not a RIFF/WAVE file{tag}");
        }

        WavFormat? format = null;
        long dataOffset = -1;
        long dataBytes = 0;
        Span<byte> chunkHeader = stackalloc byte[8];
        var position = 12L;
        // The RIFF size field is often wrong in files written by streaming tools; the real file length is trusted.
        while (position + 8 <= fileLength)
        {
            stream.Position = position;
            stream.ReadExactly(chunkHeader);
            var id = System.Text.Encoding.ASCII.GetString(chunkHeader[..4]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            var bodyStart = position + 8;
            var available = fileLength - bodyStart;
            if (id == "data")
            {
                if (size > available)
                {
                    throw new InvalidDataException($"{path}: truncated data chunk (header claims {size} bytes, file holds {available})");
                }
                dataOffset = bodyStart;
                dataBytes = size;
            }
            else if (size > available)
            {
                throw new InvalidDataException($"{path}: chunk '{Printable(id)}' claims {size} bytes but only {available} remain");
            }
            else if (id == "fmt ")
            {
                format = ReadFormat(stream, size, path);
            }
            position = bodyStart + size + (size & 1);
            if (format is not null && dataOffset >= 0)
            {
                break;
            }
        }
        if (format is null)
        {
            throw new InvalidDataException($"{path}: bad header, no 'fmt ' chunk");
        }
        if (dataOffset < 0)
        {
            throw new InvalidDataException($"{path}: no 'data' chunk");
        }
        var frameCount = dataBytes / format.BlockAlign;
        if (frameCount > Array.MaxLength)
        {
            throw new InvalidDataException($"{path}: {frameCount} sample frames are too many to load");
        }
        return new WavLayout(format, dataOffset, (int)frameCount);
    }

    private static WavFormat ReadFormat(FileStream stream, long size, string path)
    {
        if (size < 16)
        {
            throw new InvalidDataException($"{path}: bad header, 'fmt ' chunk is {size} bytes (need at least 16)");
        }
        Span<byte> fmt = stackalloc byte[40];
        var take = (int)Math.Min(size, fmt.Length);
        stream.ReadExactly(fmt[..take]);
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (tag == FormatExtensible)
        {
            if (take < 40)
            {
                throw new InvalidDataException($"{path}: bad header, WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is {size} bytes (need 40)");
            }
            // The sub-format GUID starts with the plain format code.
            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
        }
        if (channels == 0)
        {
            throw new InvalidDataException($"{path}: bad header, zero channels");
        }
        if (channels > MaxChannels)
        {
            throw new InvalidDataException($"{path}: bad header, {channels} channels (at most {MaxChannels} supported)");
        }
        if (rate == 0 || rate > MaxSampleRate)
        {
            throw new InvalidDataException($"{path}: bad header, sample rate {rate} Hz is outside 1..{MaxSampleRate}");
        }
        var isFloat = tag == FormatFloat;
        if (tag == FormatPcm)
        {
            if (bits is not (8 or 16 or 24 or 32))
            {
                throw new InvalidDataException($"{path}: unsupported PCM sample size of {bits} bits (8, 16, 24 or 32 supported)");
            }
        }
        else if (isFloat)
        {
            if (bits is not (32 or 64))
            {
                throw new InvalidDataException($"{path}: unsupported float sample size of {bits} bits (32 or 64 supported)");
            }
        }
        else
        {
            throw new InvalidDataException($"{path}: unsupported WAV encoding 0x{tag:X4} (PCM and IEEE float supported)");
        }
        var expectedAlign = channels * (bits / 8);
        if (blockAlign != expectedAlign)
        {
            throw new InvalidDataException($"{path}: bad header, block align {blockAlign} does not match {channels} channels of {bits} bits");
        }
        return new WavFormat(channels, (int)rate, bits, blockAlign, isFloat);
    }

    private static string Printable(string id) =>
        new(id.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());

    private sealed record WavFormat(int Channels, int SampleRate, int BitsPerSample, int BlockAlign, bool IsFloat);

    private sealed record WavLayout(WavFormat Format, long DataOffset, int FrameCount);
}
