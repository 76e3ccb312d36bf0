using StreamingAnchor.Audio;

namespace StreamingAnchor.Tests.Audio;

public class WavFuzzTests
{
    /// <summary>
    /// Random truncations and byte corruptions of valid files either decode or fail with one InvalidDataException
    /// naming the file: never IndexOutOfRange, EndOfStream or an out-of-memory from a claimed size.
    /// </summary>
    [Theory]
    [InlineData(1, 16, false, 1)]
    [InlineData(2, 24, false, 2)]
    [InlineData(3, 32, true, 3)]
    public void CorruptedFilesFailCleanly(int seed, int bits, bool isFloat, int channels)
    {
        using var dir = new ScratchDir();
        var rng = new Random(seed);
        var samples = Enumerable.Range(0, 300 * channels).Select(i => (float)Math.Sin(i * 0.1) * 0.5f).ToArray();
        var good = WavBytes.Riff(
            WavBytes.Chunk("LIST", new byte[10]),
            WavBytes.Fmt(isFloat ? (ushort)3 : (ushort)1, channels, 22050, bits),
            WavBytes.Chunk("data", WavBytes.Encode(samples, bits, isFloat)));
        var path = dir.File("fuzz.wav");
        var outcomes = new Dictionary<string, int>();
        for (var trial = 0; trial < 150; trial++)
        {
            var bytes = (byte[])good.Clone();
            if (rng.Next(2) == 0)
            {
                bytes = bytes[..rng.Next(bytes.Length)];
            }
            var flips = rng.Next(1, 6);
            for (var k = 0; k < flips && bytes.Length > 0; k++)
            {
                // Corrupt mostly the headers, where sizes and formats live.
                var at = rng.Next(Math.Min(bytes.Length, rng.Next(2) == 0 ? 80 : bytes.Length));
                bytes[at] = (byte)rng.Next(256);
            }
            File.WriteAllBytes(path, bytes);
            try
            {
                var clip = WavFile.Read(path, targetRate: null);
                Assert.True(clip.Samples.Length <= 300);
                outcomes["ok"] = outcomes.GetValueOrDefault("ok") + 1;
            }
            catch (InvalidDataException ex)
            {
                Assert.StartsWith(path + ": ", ex.Message);
                Assert.DoesNotContain('\n', ex.Message);
                outcomes["invalid"] = outcomes.GetValueOrDefault("invalid") + 1;
            }
        }
        Assert.True(outcomes.GetValueOrDefault("invalid") > 10, "most corruptions of headers should be detected");
    }
}
