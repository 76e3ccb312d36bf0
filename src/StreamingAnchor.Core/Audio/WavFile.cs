using System.Buffers.Binary;

namespace StreamingAnchor.Audio;

/// <summary>
/// RIFF/WAVE reading (PCM 8/16/24/32-bit, IEEE float 32/64, WAVE_FORMAT_EXTENSIBLE, any channel count mixed
/// down to mono, any rate resampled) and PCM16 mono writing. Inputs may be regular files or pipes (read forward
/// only); a data size of 0xFFFFFFFF (or 0, or SoX's 0x7FFFF000, as streaming writers leave it) means "to the end
/// of the input". Every
/// malformed input gives one <see cref="InvalidDataException"/> naming the file and the field; sizes claimed by
/// headers are checked against the real file length before anything is allocated, and on a pipe memory grows only
/// with the bytes that arrive, up to <see cref="MaxFrames"/>.
/// </summary>
public static class WavFile
{
    private const ushort FormatPcm = 1;
    private const ushort FormatFloat = 3;
    private const ushort FormatExtensible = 0xFFFE;
    private const int MaxChannels = 256;
    private const int MaxSampleRate = 1_000_000;

    /// <summary>What streaming writers put in a size field they cannot fill in.</summary>
    private const long UnknownSize = 0xFFFFFFFF;

    /// <summary>
    /// What SoX writes as the data size when its output cannot seek (a pipe), rounded down to whole frames; it never
    /// patches it, so it means "unknown" as much as <see cref="UnknownSize"/> does.
    /// </summary>
    private const long SoxUnknownSize = 0x7FFFF000;

    /// <summary>
    /// Most sample frames one clip may hold (about 9 hours at 16 kHz, 2 GiB of floats). Clips are decoded whole into
    /// memory, so an endless pipe or a forged header must hit a limit rather than exhaust memory.
    /// </summary>
    public const int MaxFrames = 1 << 29;

    /// <summary>
    /// Reads a WAV file (or a pipe such as /dev/stdin) as mono float in [-1, 1], resampled to
    /// <paramref name="targetRate"/> unless it is null. With <paramref name="requireSamples"/> an empty data chunk
    /// is an error instead of an empty clip.
    /// </summary>
    public static AudioClip Read(string path, int? targetRate = FbankConfig.DeviceSampleRate, bool requireSamples = false)
    {
        CheckTargetRate(targetRate);
        using var stream = OpenInput(path);
        return Read(stream, path, targetRate, requireSamples);
    }

    /// <summary>
    /// Reads WAV data from any stream (seekable or not), naming it <paramref name="name"/> in errors. A seekable stream
    /// must be positioned at the start of the RIFF header.
    /// </summary>
    public static AudioClip Read(Stream stream, string name, int? targetRate = FbankConfig.DeviceSampleRate, bool requireSamples = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckTargetRate(targetRate);
        var input = new Input(stream, name);
        var layout = ReadLayout(input);
        var clip = ReadSamples(input, layout);
        if (requireSamples && clip.Samples.Length == 0)
        {
            throw new InvalidDataException($"{name}: no audio samples (data chunk is empty)");
        }
        if (targetRate is { } rate && rate != clip.SampleRate)
        {
            // The output size follows from the samples actually decoded, never from what the header claimed.
            var resampled = (long)clip.Samples.Length * rate / clip.SampleRate;
            if (resampled > MaxFrames)
            {
                throw new InvalidDataException(
                    $"{name}: {clip.Samples.Length} samples at {clip.SampleRate} Hz would be {resampled} at {rate} Hz, more than the {MaxFrames} a clip may hold");
            }
            clip = new AudioClip(Resampler.Resample(clip.Samples, clip.SampleRate, rate), rate);
        }
        return clip;
    }

    /// <summary>
    /// Reads only the header: native sample rate, channels and duration, without decoding samples. A pipe or a file
    /// of unknown length (size fields 0 or 0xFFFFFFFF) is read to its end to count the frames.
    /// </summary>
    public static WavInfo ReadInfo(string path)
    {
        using var stream = OpenInput(path);
        var input = new Input(stream, path);
        var layout = ReadLayout(input);
        var frames = layout.DataBytes is { } bytes ? bytes / layout.Format.BlockAlign : input.SkipToEnd() / layout.Format.BlockAlign;
        CheckFrameCount(frames, path);
        return new WavInfo(layout.Format.SampleRate, layout.Format.Channels, layout.Format.BitsPerSample,
            layout.Format.IsFloat, (int)frames);
    }

    /// <summary>
    /// Reads frames [<paramref name="startFrame"/>, <paramref name="startFrame"/> + <paramref name="frameCount"/>) of
    /// a WAV file as mono float at its native rate, seeking past the rest: a stretch of an hour-long recording costs
    /// only the stretch. The file must be regular (seekable) with a known data size.
    /// </summary>
    public static AudioClip ReadRange(string path, long startFrame, int frameCount)
    {
        using var stream = OpenInput(path);
        var input = new Input(stream, path);
        var layout = ReadLayout(input);
        if (!input.Seekable || layout.DataBytes is not { } dataBytes)
        {
            throw new InvalidDataException($"{path}: a range can only be read from a regular WAV file with a known data size");
        }
        var format = layout.Format;
        var frames = dataBytes / format.BlockAlign;
        if (startFrame < 0 || frameCount < 0 || startFrame + frameCount > frames)
        {
            throw new ArgumentOutOfRangeException(nameof(startFrame),
                $"{path}: frames [{startFrame}, {startFrame + frameCount}) are outside the file's {frames} frames");
        }
        input.SeekTo(input.Position + (startFrame * format.BlockAlign));
        var mono = new float[frameCount];
        var buffer = new byte[Math.Max(format.BlockAlign, (1 << 16) / format.BlockAlign * format.BlockAlign)];
        var done = 0;
        while (done < frameCount)
        {
            var want = (int)Math.Min(buffer.Length, (long)(frameCount - done) * format.BlockAlign);
            input.ReadExactly(buffer.AsSpan(0, want), dataBytes, "data");
            done += Decode(buffer.AsSpan(0, want), format, mono.AsSpan(done), startFrame + done, path);
        }
        return new AudioClip(mono, format.SampleRate);
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

    private static void CheckTargetRate(int? targetRate)
    {
        if (targetRate is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(targetRate), $"target rate must be positive, got {targetRate}");
        }
    }

    /// <summary>
    /// Opens a regular file or a pipe. Directories and devices are refused: a device such as /dev/zero reports a
    /// length of 0 yet never ends, so it is recognised by yielding bytes past its claimed length.
    /// </summary>
    private static FileStream OpenInput(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidDataException($"{path}: is a directory, not a WAV file");
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: audio file not found", path);
        }
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"{path}: cannot open the audio file (permission denied)", e);
        }
        try
        {
            if (stream.CanSeek && stream.Length == 0)
            {
                Span<byte> probe = stackalloc byte[1];
                if (stream.Read(probe) > 0)
                {
                    throw new InvalidDataException($"{path}: not a regular file or pipe (a device?), cannot read it as WAV");
                }
            }
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static AudioClip ReadSamples(Input input, WavLayout layout)
    {
        var format = layout.Format;
        var frameBytes = format.BlockAlign;
        var buffer = new byte[Math.Max(frameBytes, (1 << 16) / frameBytes * frameBytes)];
        if (layout.DataBytes is { } known && input.Seekable)
        {
            // The size was checked against the file length, so allocating it up front is safe.
            var frames = known / frameBytes;
            CheckFrameCount(frames, input.Name);
            var mono = new float[frames];
            var done = 0;
            while (done < frames)
            {
                var want = (int)Math.Min(buffer.Length, (frames - done) * frameBytes);
                input.ReadExactly(buffer.AsSpan(0, want), known, "data");
                done += Decode(buffer.AsSpan(0, want), format, mono.AsSpan(done), done, input.Name);
            }
            return new AudioClip(mono, format.SampleRate);
        }

        // A pipe, or a file whose writer never filled in the size: decode block by block until the stated size or
        // the end of the input, so memory grows only with the audio that really arrives.
        var limit = layout.DataBytes ?? long.MaxValue;
        var blocks = new List<float[]>();
        long total = 0;
        long bytesRead = 0;
        var carry = 0;
        while (bytesRead < limit)
        {
            var want = (int)Math.Min(buffer.Length - carry, limit - bytesRead);
            var got = input.ReadUpTo(buffer.AsSpan(carry, want));
            if (got == 0)
            {
                break;
            }
            bytesRead += got;
            var usable = (carry + got) / frameBytes * frameBytes;
            var block = new float[usable / frameBytes];
            if (total + block.Length > MaxFrames)
            {
                throw new InvalidDataException($"{input.Name}: more than {MaxFrames} sample frames of audio, too long to load");
            }
            Decode(buffer.AsSpan(0, usable), format, block, total, input.Name);
            blocks.Add(block);
            total += block.Length;
            carry = carry + got - usable;
            buffer.AsSpan(usable, carry).CopyTo(buffer);
        }
        if (layout.DataBytes is { } claimed && bytesRead < claimed)
        {
            throw new InvalidDataException($"{input.Name}: truncated data chunk (header claims {claimed} bytes, input holds {bytesRead})");
        }
        var samples = new float[total];
        var offset = 0;
        foreach (var block in blocks)
        {
            block.CopyTo(samples, offset);
            offset += block.Length;
        }
        return new AudioClip(samples, format.SampleRate);
    }

    /// <summary>Decodes whole frames of <paramref name="bytes"/> into <paramref name="mono"/>; returns the frames written.</summary>
    private static int Decode(ReadOnlySpan<byte> bytes, WavFormat format, Span<float> mono, long firstFrame, string name)
    {
        var channels = format.Channels;
        var bytesPerSample = format.BitsPerSample / 8;
        var frameBytes = format.BlockAlign;
        var scale = 1f / channels;
        var n = bytes.Length / frameBytes;
        for (var f = 0; f < n; f++)
        {
            var baseOffset = f * frameBytes;
            var sum = 0f;
            for (var c = 0; c < channels; c++)
            {
                sum += DecodeSample(bytes.Slice(baseOffset + (c * bytesPerSample), bytesPerSample), format);
            }
            var value = sum * scale;
            if (!float.IsFinite(value))
            {
                throw new InvalidDataException($"{name}: sample {firstFrame + f} is not a finite number");
            }
            mono[f] = value;
        }
        return n;
    }

    private static float DecodeSample(ReadOnlySpan<byte> b, WavFormat format)
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

    private static void CheckFrameCount(long frames, string name)
    {
        if (frames > MaxFrames)
        {
            throw new InvalidDataException($"{name}: {frames} sample frames are too many to load (at most {MaxFrames})");
        }
    }

    /// <summary>
    /// Walks the chunks in order without seeking backwards (so pipes work) and leaves the input at the first audio
    /// byte. Sizes are checked against the file length before anything is skipped or allocated; on a pipe they are
    /// checked as the bytes arrive.
    /// </summary>
    private static WavLayout ReadLayout(Input input)
    {
        var path = input.Name;
        Span<byte> header = stackalloc byte[12];
        var got = input.ReadUpTo(header);
        if (got < 12)
        {
            throw new InvalidDataException($"{path}: not a WAV file (only {got} bytes, shorter than a RIFF header)");
        }
        if (!header[..4].SequenceEqual("RIFF"u8) || !header[8..12].SequenceEqual("WAVE"u8))
        {
            var tag = header[..4].SequenceEqual("RF64"u8) ? " (RF64 is not supported)" : "";
            throw new InvalidDataException($"{path}: bad header, not a RIFF/WAVE file{tag}");
        }
        // The RIFF size is often wrong in files written by streaming tools; it only tells an empty data chunk
        // followed by more chunks apart from a size the writer never filled in.
        long riffSize = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);

        WavFormat? format = null;
        long earlyData = -1;
        long earlyDataBytes = 0;
        Span<byte> chunkHeader = stackalloc byte[8];
        while (true)
        {
            var position = input.Position;
            if (input.ReadUpTo(chunkHeader) < 8)
            {
                break; // a few stray bytes after the last chunk are tolerated, as before
            }
            var id = System.Text.Encoding.ASCII.GetString(chunkHeader[..4]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            var bodyStart = position + 8;
            if (id == "data")
            {
                var unknown = size == UnknownSize
                    || (size == 0 && (riffSize is 0 or UnknownSize || riffSize + 8 <= bodyStart))
                    || (format is not null && size == SoxUnknownSize / format.BlockAlign * format.BlockAlign);
                if (!unknown && input.Remaining is { } available && size > available)
                {
                    throw new InvalidDataException($"{path}: truncated data chunk (header claims {size} bytes, file holds {available})");
                }
                if (format is not null)
                {
                    // Unknown length: the rest of a file, or whatever a pipe delivers until it closes.
                    var dataBytes = unknown ? input.Remaining : size;
                    return new WavLayout(format, dataBytes);
                }
                if (!input.Seekable || unknown)
                {
                    throw new InvalidDataException($"{path}: bad header, the 'data' chunk comes before the 'fmt ' chunk " +
                        (unknown ? "and its size is unknown" : "in an input that cannot seek back (a pipe)"));
                }
                earlyData = bodyStart;
                earlyDataBytes = size;
                input.Skip(size + (size & 1), id, size);
                continue;
            }
            if (input.Remaining is { } left && size > left)
            {
                throw new InvalidDataException($"{path}: chunk '{Printable(id)}' claims {size} bytes but only {left} remain");
            }
            if (id == "fmt ")
            {
                format = ReadFormat(input, size);
            }
            else
            {
                input.Skip(size + (size & 1), id, size);
            }
            if (format is not null && earlyData >= 0)
            {
                input.SeekTo(earlyData);
                return new WavLayout(format, earlyDataBytes);
            }
        }
        if (format is null)
        {
            throw new InvalidDataException($"{path}: bad header, no 'fmt ' chunk");
        }
        throw new InvalidDataException($"{path}: no 'data' chunk");
    }

    private static WavFormat ReadFormat(Input input, long size)
    {
        var path = input.Name;
        if (size < 16)
        {
            throw new InvalidDataException($"{path}: bad header, 'fmt ' chunk is {size} bytes (need at least 16)");
        }
        Span<byte> fmt = stackalloc byte[40];
        var take = (int)Math.Min(size, fmt.Length);
        input.ReadExactly(fmt[..take], size, "fmt ");
        input.Skip(size - take + (size & 1), "fmt ", size);
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
            throw new InvalidDataException($"{path}: bad header, zero channels (expected 1..{MaxChannels})");
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

    /// <summary>The format and the data size in bytes; null when the data runs to the end of a pipe.</summary>
    private sealed record WavLayout(WavFormat Format, long? DataBytes);

    /// <summary>
    /// A forward-only view of the input that counts bytes consumed, so chunk sizes can be checked against the file
    /// length when it is known and against the bytes that really arrive when it is not.
    /// </summary>
    private sealed class Input(Stream stream, string name)
    {
        private readonly long? _length = stream.CanSeek ? stream.Length : null;
        private readonly long _origin = stream.CanSeek ? stream.Position : 0;

        public string Name { get; } = name;

        public long Position { get; private set; }

        public bool Seekable => _length is not null;

        /// <summary>Bytes left in a seekable input; null for a pipe, whose length is unknown until it ends.</summary>
        public long? Remaining => _length - _origin - Position;

        public int ReadUpTo(Span<byte> buffer)
        {
            var n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            Position += n;
            return n;
        }

        public void ReadExactly(Span<byte> buffer, long claimed, string chunk)
        {
            if (ReadUpTo(buffer) < buffer.Length)
            {
                throw new InvalidDataException($"{Name}: chunk '{Printable(chunk)}' claims {claimed} bytes but the input ends first");
            }
        }

        public void Skip(long count, string chunk, long claimed)
        {
            if (count <= 0)
            {
                return;
            }
            if (Seekable)
            {
                // A pad byte after the last chunk may be missing; anything else was checked against Remaining.
                var step = Math.Min(count, Remaining ?? 0);
                stream.Seek(step, SeekOrigin.Current);
                Position += step;
                return;
            }
            var buffer = new byte[(int)Math.Min(count, 1 << 16)];
            var left = count;
            while (left > 0)
            {
                var n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0)
                {
                    // Only the pad byte may be missing at the very end.
                    if (left == 1 && (claimed & 1) == 1)
                    {
                        return;
                    }
                    throw new InvalidDataException($"{Name}: chunk '{Printable(chunk)}' claims {claimed} bytes but the input ends first");
                }
                left -= n;
                Position += n;
            }
        }

        /// <summary>Consumes the rest of the input with a fixed buffer; returns the bytes skipped.</summary>
        public long SkipToEnd()
        {
            if (Remaining is { } left)
            {
                return left;
            }
            var buffer = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                total += n;
                Position += n;
            }
            return total;
        }

        public void SeekTo(long position)
        {
            stream.Seek(_origin + position, SeekOrigin.Begin);
            Position = position;
        }
    }
}
