using StreamingAnchor.Audio;

namespace StreamingAnchor.Tests.Audio;

public class WavFileTests
{
    private static float[] Ramp(int n, int channels)
    {
        var x = new float[n * channels];
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                // Channels differ so a wrong mixdown shows; values stay inside [-1, 1).
                x[(i * channels) + c] = (float)(0.9 * Math.Sin(0.05 * i) * (c == 0 ? 1.0 : -0.5));
            }
        }
        return x;
    }

    [Theory]
    [InlineData(8, false, 1, 1.0 / 64)]
    [InlineData(16, false, 1, 1e-4)]
    [InlineData(24, false, 2, 1e-6)]
    [InlineData(32, false, 3, 1e-6)]
    [InlineData(32, true, 2, 1e-7)]
    [InlineData(64, true, 1, 1e-7)]
    public void ReadsEveryEncodingAndMixesDown(int bits, bool isFloat, int channels, double tolerance)
    {
        using var dir = new ScratchDir();
        var interleaved = Ramp(500, channels);
        var path = dir.File("x.wav");
        File.WriteAllBytes(path, WavBytes.Riff(
            WavBytes.Fmt(isFloat ? (ushort)3 : (ushort)1, channels, 16000, bits),
            WavBytes.Chunk("data", WavBytes.Encode(interleaved, bits, isFloat))));

        var clip = WavFile.Read(path);

        Assert.Equal(16000, clip.SampleRate);
        Assert.Equal(500, clip.Samples.Length);
        for (var i = 0; i < 500; i++)
        {
            var expected = Enumerable.Range(0, channels).Average(c => interleaved[(i * channels) + c]);
            Assert.True(Math.Abs(clip.Samples[i] - expected) <= tolerance, $"sample {i}: {clip.Samples[i]} vs {expected}");
        }
    }

    [Fact]
    public void ReadsExtensibleFormatAndSkipsUnknownOddChunks()
    {
        using var dir = new ScratchDir();
        var samples = Ramp(300, 1);
        var path = dir.File("ext.wav");
        File.WriteAllBytes(path, WavBytes.Riff(
            WavBytes.Chunk("LIST", [1, 2, 3]),
            WavBytes.FmtExtensible(1, 1, 16000, 16),
            WavBytes.Chunk("junk", new byte[7]),
            WavBytes.Chunk("data", WavBytes.Encode(samples, 16, false)),
            WavBytes.Chunk("id3 ", new byte[5])));

        var clip = WavFile.Read(path);

        Assert.Equal(300, clip.Samples.Length);
        Assert.Equal(samples[123], clip.Samples[123], 3);
    }

    [Fact]
    public void WriteThenReadRoundTripsWithinPcm16Precision()
    {
        using var dir = new ScratchDir();
        var samples = Ramp(1000, 1);
        samples[10] = 1.5f; // clipped on write
        var path = dir.File("sub/round.wav");

        WavFile.Write(path, samples, 16000);
        var clip = WavFile.Read(path);

        Assert.Equal(1000, clip.Samples.Length);
        Assert.Equal(1f, clip.Samples[10], 3);
        Assert.Equal(samples[500], clip.Samples[500], 4);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*" + AtomicFile.TempMarker + "*"));
        var info = WavFile.ReadInfo(path);
        Assert.Equal((16000, 1, 16, 1000), (info.SampleRate, info.Channels, info.BitsPerSample, info.Frames));
    }

    [Fact]
    public void WriteRefusesNaNAndKeepsTheExistingFile()
    {
        using var dir = new ScratchDir();
        var path = dir.File("keep.wav");
        WavFile.Write(path, new float[] { 0.5f, 0.25f }, 16000);
        var before = File.ReadAllBytes(path);

        var ex = Assert.Throws<ArgumentException>(() => WavFile.Write(path, new float[] { 0.1f, float.NaN }, 16000));

        Assert.Contains("keep.wav", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void ResamplesToTheTargetRateAndKeepsNativeRateOnRequest()
    {
        using var dir = new ScratchDir();
        var path = dir.File("hi.wav");
        WavFile.Write(path, new float[44100], 44100);

        Assert.Equal(16000, WavFile.Read(path).Samples.Length);
        var native = WavFile.Read(path, targetRate: null);
        Assert.Equal((44100, 44100), (native.SampleRate, native.Samples.Length));
    }

    public static TheoryData<string, byte[], string> Malformed()
    {
        var pcm = WavBytes.Encode(new float[100], 16, false);
        var good = WavBytes.Riff(WavBytes.Fmt(1, 1, 16000, 16), WavBytes.Chunk("data", pcm));
        return new TheoryData<string, byte[], string>
        {
            { "empty", [], "not a WAV file" },
            { "short", good[..7], "not a WAV file" },
            { "notriff", [.. "RIFX"u8.ToArray(), .. good[4..]], "bad header" },
            { "truncated", good[..(good.Length - 20)], "truncated data chunk" },
            { "hugedata", WavBytes.Riff(WavBytes.Fmt(1, 1, 16000, 16), WavBytes.Chunk("data", pcm, 0xFFFFFFF0)), "truncated data chunk" },
            { "hugechunk", WavBytes.Riff(WavBytes.Chunk("LIST", [0, 0], 0x7FFFFFFF), WavBytes.Fmt(1, 1, 16000, 16)), "claims 2147483647 bytes" },
            { "zerochannels", WavBytes.Riff(WavBytes.Fmt(1, 0, 16000, 16, 2), WavBytes.Chunk("data", pcm)), "zero channels" },
            { "manychannels", WavBytes.Riff(WavBytes.Fmt(1, 4000, 16000, 16), WavBytes.Chunk("data", pcm)), "channels" },
            { "zerorate", WavBytes.Riff(WavBytes.Fmt(1, 1, 0, 16), WavBytes.Chunk("data", pcm)), "sample rate 0" },
            { "absurdrate", WavBytes.Riff(WavBytes.Fmt(1, 1, 2_000_000_000, 16), WavBytes.Chunk("data", pcm)), "sample rate" },
            { "bits12", WavBytes.Riff(WavBytes.Fmt(1, 1, 16000, 12, 2), WavBytes.Chunk("data", pcm)), "12 bits" },
            { "float16", WavBytes.Riff(WavBytes.Fmt(3, 1, 16000, 16), WavBytes.Chunk("data", pcm)), "float sample size" },
            { "alaw", WavBytes.Riff(WavBytes.Fmt(6, 1, 16000, 8), WavBytes.Chunk("data", pcm)), "0x0006" },
            { "blockalign", WavBytes.Riff(WavBytes.Fmt(1, 2, 16000, 16, 3), WavBytes.Chunk("data", pcm)), "block align" },
            { "nofmt", WavBytes.Riff(WavBytes.Chunk("data", pcm)), "no 'fmt ' chunk" },
            { "nodata", WavBytes.Riff(WavBytes.Fmt(1, 1, 16000, 16)), "no 'data' chunk" },
            { "shortfmt", WavBytes.Riff(WavBytes.Chunk("fmt ", new byte[8]), WavBytes.Chunk("data", pcm)), "'fmt ' chunk is 8 bytes" },
            { "nan", WavBytes.Riff(WavBytes.Fmt(3, 1, 16000, 32), WavBytes.Chunk("data", WavBytes.Encode([0f, float.NaN], 32, true))), "not a finite number" },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedFilesGiveOneLineErrorNamingTheFile(string name, byte[] bytes, string problem)
    {
        using var dir = new ScratchDir();
        var path = dir.File(name + ".wav");
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<InvalidDataException>(() => WavFile.Read(path));

        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains(problem, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => WavFile.Read("/nonexistent/x.wav"));
        Assert.Contains("/nonexistent/x.wav", ex.Message);
    }

    [Fact]
    public void ReadRangeReadsOnlyTheAskedFrames()
    {
        using var dir = new ScratchDir();
        var x = Enumerable.Range(0, 5000).Select(i => (float)Math.Sin(i * 0.003)).ToArray();
        var path = dir.File("r.wav");
        WavFile.Write(path, x, 8000);
        var whole = WavFile.Read(path, targetRate: null).Samples;
        var part = WavFile.ReadRange(path, 1234, 2000);
        Assert.Equal(8000, part.SampleRate);
        Assert.Equal(whole.AsSpan(1234, 2000).ToArray(), part.Samples);
        Assert.Empty(WavFile.ReadRange(path, 5000, 0).Samples);
        Assert.Throws<ArgumentOutOfRangeException>(() => WavFile.ReadRange(path, 4000, 1001));
    }
}
