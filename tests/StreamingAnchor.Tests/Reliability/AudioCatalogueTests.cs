using System.Buffers.Binary;
using System.Runtime.InteropServices;
using StreamingAnchor.Audio;
using StreamingAnchor.Tests.Audio;

namespace StreamingAnchor.Tests.Reliability;

/// <summary>
/// A catalogue of damaged and unusual audio inputs, one row each: either the samples it must decode to, or the
/// exception type and the words its one-line message must hold (the file is always checked as well).
/// </summary>
public sealed class AudioCatalogueTests
{
    /// <summary>How a row's bytes reach the reader.</summary>
    public enum Source
    {
        /// <summary>A regular file.</summary>
        File,

        /// <summary>A named pipe fed by another thread: not seekable, length unknown until it closes.</summary>
        Fifo,

        /// <summary>An in-memory stream that refuses to seek, as /dev/stdin behind a shell pipe.</summary>
        Pipe,

        /// <summary>A folder where the file should be.</summary>
        Directory,

        /// <summary>/dev/zero: claims length 0 and never ends.</summary>
        DevZero,

        /// <summary>Nothing at that path.</summary>
        Missing,
    }

    // Exact in PCM16, so decoded values can be compared with ==.
    private static readonly float[] Four = [0.5f, -0.25f, 0.125f, 0f];

    private static byte[] Pcm => WavBytes.Encode(Four, 16, false);

    private static byte[] Fmt => WavBytes.Fmt(1, 1, 16000, 16);

    private static byte[] Good => WavBytes.Riff(Fmt, WavBytes.Chunk("data", Pcm));

    /// <summary>Four samples under the given RIFF and data size fields, as a tool streaming to a pipe leaves them.</summary>
    private static byte[] Streamed(uint riffSize, uint dataSize)
    {
        var bytes = Good;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), riffSize);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(40), dataSize);
        return bytes;
    }

    public static TheoryData<string, Source, byte[], float[]> Readable() => new()
    {
        { "plain", Source.File, Good, Four },
        { "unknown-sizes", Source.File, Streamed(0xFFFFFFFF, 0xFFFFFFFF), Four },
        { "zero-sizes", Source.File, Streamed(0, 0), Four },
        { "zero-data-riff-36", Source.File, Streamed(36, 0), Four },
        { "sox-pipe-sizes", Source.Pipe, Streamed(0x7FFFF024, 0x7FFFF000), Four },
        { "sox-sizes-in-a-file", Source.File, Streamed(0x7FFFF024, 0x7FFFF000), Four },
        { "odd-trailing-byte", Source.File, [.. Streamed(0xFFFFFFFF, 0xFFFFFFFF), 7], Four },
        { "empty-data", Source.File, WavBytes.Riff(Fmt, WavBytes.Chunk("data", [])), [] },
        // The RIFF size says a chunk follows the empty data chunk, so those bytes are not audio.
        { "empty-data-then-list", Source.File, WavBytes.Riff(Fmt, WavBytes.Chunk("data", []), WavBytes.Chunk("LIST", [1, 2, 3, 4])), [] },
        { "fifo", Source.Fifo, Good, Four },
        { "fifo-unknown-sizes", Source.Fifo, Streamed(0xFFFFFFFF, 0xFFFFFFFF), Four },
        { "pipe-zero-sizes", Source.Pipe, Streamed(0, 0), Four },
        { "pipe-with-extra-chunks", Source.Pipe, WavBytes.Riff(WavBytes.Chunk("LIST", [1, 2, 3]), Fmt, WavBytes.Chunk("data", Pcm), WavBytes.Chunk("id3 ", [9])), Four },
    };

    public static TheoryData<string, Source, byte[], Type, string[]> Refused()
    {
        var good = Good;
        return new TheoryData<string, Source, byte[], Type, string[]>
        {
            { "truncated-header", Source.File, good[..10], typeof(InvalidDataException), ["not a WAV file", "10 bytes"] },
            { "empty-file", Source.File, [], typeof(InvalidDataException), ["not a WAV file", "0 bytes"] },
            { "not-riff", Source.File, "this is plainly not audio at all, honest"u8.ToArray(), typeof(InvalidDataException), ["not a RIFF/WAVE file"] },
            { "zero-channels", Source.File, WavBytes.Riff(WavBytes.Fmt(1, 0, 16000, 16, 2), WavBytes.Chunk("data", Pcm)), typeof(InvalidDataException), ["zero channels", "expected 1..256"] },
            { "zero-rate", Source.File, WavBytes.Riff(WavBytes.Fmt(1, 1, 0, 16), WavBytes.Chunk("data", Pcm)), typeof(InvalidDataException), ["sample rate 0"] },
            { "absurd-rate", Source.File, WavBytes.Riff(WavBytes.Fmt(1, 1, 2_000_000_000, 16), WavBytes.Chunk("data", Pcm)), typeof(InvalidDataException), ["sample rate 2000000000"] },
            { "data-larger-than-file", Source.File, WavBytes.Riff(Fmt, WavBytes.Chunk("data", Pcm, 1000)), typeof(InvalidDataException), ["truncated data chunk", "claims 1000 bytes", "holds 8"] },
            { "huge-data-size", Source.File, WavBytes.Riff(Fmt, WavBytes.Chunk("data", Pcm, 0xFFFFFFF0)), typeof(InvalidDataException), ["truncated data chunk", "4294967280"] },
            { "huge-chunk", Source.File, WavBytes.Riff(WavBytes.Chunk("LIST", [0, 0], 0x7FFFFFFF), Fmt), typeof(InvalidDataException), ["'LIST'", "claims 2147483647 bytes"] },
            // 40000 samples at 1 Hz would become 640 million at 16 kHz: the cap follows from the data, before allocating.
            { "tiny-rate", Source.File, WavBytes.Riff(WavBytes.Fmt(1, 1, 1, 16), WavBytes.Chunk("data", new byte[80000])), typeof(InvalidDataException), ["40000 samples at 1 Hz", "640000000 at 16000 Hz", "more than"] },
            { "fifo-data-larger-than-stream", Source.Fifo, WavBytes.Riff(Fmt, WavBytes.Chunk("data", Pcm, 1000)), typeof(InvalidDataException), ["truncated data chunk", "claims 1000 bytes", "holds 8"] },
            { "pipe-data-before-fmt", Source.Pipe, WavBytes.Riff(WavBytes.Chunk("data", Pcm), Fmt), typeof(InvalidDataException), ["'data' chunk comes before the 'fmt ' chunk", "pipe"] },
            { "pipe-chunk-past-end", Source.Pipe, WavBytes.Riff(WavBytes.Chunk("LIST", [0, 0], 5000)), typeof(InvalidDataException), ["'LIST'", "claims 5000 bytes", "ends first"] },
            { "pipe-not-riff", Source.Pipe, "RIFX1234WAVE"u8.ToArray(), typeof(InvalidDataException), ["not a RIFF/WAVE file"] },
            { "directory", Source.Directory, [], typeof(InvalidDataException), ["is a directory"] },
            { "dev-zero", Source.DevZero, [], typeof(InvalidDataException), ["not a regular file or pipe"] },
            { "missing", Source.Missing, [], typeof(FileNotFoundException), ["not found"] },
        };
    }

    [Theory]
    [MemberData(nameof(Readable))]
    public void ReadsTheSamples(string name, Source source, byte[] bytes, float[] expected)
    {
        using var dir = new ScratchDir();
        var (clip, _) = ReadFrom(dir, name, source, bytes);

        Assert.Equal(16000, clip.SampleRate);
        Assert.Equal(expected, clip.Samples);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void RefusesWithOneLineNamingTheFileAndField(string name, Source source, byte[] bytes, Type error, string[] words)
    {
        using var dir = new ScratchDir();
        var caught = Record.Exception(() => ReadFrom(dir, name, source, bytes));

        Assert.NotNull(caught);
        Assert.IsType(error, caught);
        Assert.StartsWith(NameOf(dir, name, source) + ": ", caught.Message);
        foreach (var word in words)
        {
            Assert.Contains(word, caught.Message);
        }
        Assert.DoesNotContain('\n', caught.Message);
    }

    [Fact]
    public void ResamplingRefusesAnOutputLargerThanAnyArrayBeforeAllocatingIt()
    {
        // 1 Hz to 16 kHz would turn a million samples into 16 billion.
        var ex = Assert.Throws<ArgumentException>(() => Resampler.Resample(new float[1_000_000], 1, 16000));

        Assert.Contains("16000000000 samples", ex.Message);
    }

    [Fact]
    public void AnEmptyDataChunkIsAnErrorWhenSamplesAreRequired()
    {
        using var dir = new ScratchDir();
        var path = dir.File("x.wav");
        File.WriteAllBytes(path, WavBytes.Riff(Fmt, WavBytes.Chunk("data", [])));

        var ex = Assert.Throws<InvalidDataException>(() => WavFile.Read(path, requireSamples: true));

        Assert.Equal($"{path}: no audio samples (data chunk is empty)", ex.Message);
    }

    [Fact]
    public async Task HeaderOnlyInfoCountsFramesOfUnknownLengthFilesAndPipes()
    {
        using var dir = new ScratchDir();
        var path = dir.File("streamed.wav");
        var bytes = Streamed(0xFFFFFFFF, 0xFFFFFFFF);
        File.WriteAllBytes(path, [.. bytes, .. WavBytes.Encode(new float[996], 16, false)]);
        Assert.Equal(1000, WavFile.ReadInfo(path).Frames);

        var fifo = MakeFifo(dir, "info.wav");
        var writer = Feed(fifo, bytes);
        var info = WavFile.ReadInfo(fifo);
        Assert.Equal((16000, 4), (info.SampleRate, info.Frames));
        await writer.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static string NameOf(ScratchDir dir, string name, Source source) => source switch
    {
        Source.Pipe => "pipe:" + name,
        Source.DevZero => "/dev/zero",
        _ => dir.File(name + ".wav"),
    };

    private static (AudioClip Clip, string Name) ReadFrom(ScratchDir dir, string name, Source source, byte[] bytes)
    {
        var path = NameOf(dir, name, source);
        switch (source)
        {
            case Source.File:
                File.WriteAllBytes(path, bytes);
                return (WavFile.Read(path), path);
            case Source.Pipe:
                using (var pipe = new UnseekableStream(bytes))
                {
                    return (WavFile.Read(pipe, path), path);
                }
            case Source.Fifo:
            {
                MakeFifo(dir, name + ".wav");
                var writer = Feed(path, bytes);
                try
                {
                    return (WavFile.Read(path), path);
                }
                finally
                {
                    // The writer ends once the reader has closed its end, whether it read everything or not.
                    Assert.True(writer.Wait(TimeSpan.FromSeconds(10)) || writer.IsFaulted, "the FIFO writer did not finish");
                }
            }
            case Source.Directory:
                Directory.CreateDirectory(path);
                return (WavFile.Read(path), path);
            default:
                return (WavFile.Read(path), path);
        }
    }

    private static string MakeFifo(ScratchDir dir, string name)
    {
        var path = dir.File(name);
        Assert.Equal(0, MkFifo(path, Convert.ToInt32("600", 8)));
        return path;
    }

    /// <summary>Writes <paramref name="bytes"/> into a FIFO from another thread; opening blocks until a reader comes.</summary>
    private static Task Feed(string fifo, byte[] bytes) => Task.Run(() =>
    {
        try
        {
            using var w = new FileStream(fifo, FileMode.Open, FileAccess.Write);
            w.Write(bytes);
        }
        catch (IOException)
        {
            // The reader refused the input and closed its end early (EPIPE): expected for refused rows.
        }
    });

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);

    /// <summary>Like /dev/stdin behind a shell pipe: reads in small pieces, cannot seek, has no length.</summary>
    private sealed class UnseekableStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // At most 5 bytes per call, so the reader must cope with short reads as a pipe gives them.
            var n = Math.Min(Math.Min(count, 5), bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
