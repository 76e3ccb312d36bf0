using System.Text;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Tests.Audio;

namespace StreamingAnchor.Tests.Data;

public class FrameStreamFileTests
{
    [Fact]
    public void WriteThenReadRoundTripsExactly()
    {
        using var dir = new ScratchDir();
        var data = Enumerable.Range(0, 7 * 3).Select(i => (i * 0.37f) - 2f).ToArray();
        var path = dir.File("acc.npy");

        FrameStreamFile.Write(path, new FeatureMatrix(data, 7, 3));
        var m = FrameStreamFile.Read(path);

        Assert.Equal((7, 3), (m.Frames, m.Dim));
        Assert.Equal(data, m.Data);
        // The .npy header keeps the data 64-byte aligned as numpy does.
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(0, (bytes.Length - (21 * 4)) % 64);
        Assert.Contains("'shape': (7, 3)", Encoding.Latin1.GetString(bytes, 0, 128));
    }

    private static byte[] Npy(string header, byte[] data)
    {
        var h = Encoding.Latin1.GetBytes(header + "\n");
        var bytes = new byte[10 + h.Length + data.Length];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }.CopyTo(bytes, 0);
        BitConverter.GetBytes((ushort)h.Length).CopyTo(bytes, 8);
        h.CopyTo(bytes, 10);
        data.CopyTo(bytes, 10 + h.Length);
        return bytes;
    }

    [Fact]
    public void ReadsFloat64AndOneDimensionalArrays()
    {
        using var dir = new ScratchDir();
        var path = dir.File("f8.npy");
        var data = new[] { 1.5, -2.25, 3.0 }.SelectMany(BitConverter.GetBytes).ToArray();
        File.WriteAllBytes(path, Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", data));

        var m = FrameStreamFile.Read(path);

        Assert.Equal((3, 1), (m.Frames, m.Dim));
        Assert.Equal(new[] { 1.5f, -2.25f, 3f }, m.Data);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000), }", 8, "needs")]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", 8, "dtype '<i4'")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 1), }", 8, "Fortran")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 1), }", 8, "3 dimensions")]
    [InlineData("{'descr': '<f4', 'shape': (2, 1), }", 8, "malformed")]
    public void MalformedFilesGiveOneLineErrors(string header, int dataBytes, string problem)
    {
        using var dir = new ScratchDir();
        var path = dir.File("bad.npy");
        File.WriteAllBytes(path, Npy(header, new byte[dataBytes]));

        var ex = Assert.Throws<InvalidDataException>(() => FrameStreamFile.Read(path));

        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void RejectsNonNumpyAndNonFiniteValues()
    {
        using var dir = new ScratchDir();
        var path = dir.File("x.npy");
        File.WriteAllBytes(path, "hello world, not numpy"u8.ToArray());
        Assert.Contains("bad magic", Assert.Throws<InvalidDataException>(() => FrameStreamFile.Read(path)).Message);

        File.WriteAllBytes(path, Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }",
            [.. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(float.PositiveInfinity)]));
        Assert.Contains("not finite", Assert.Throws<InvalidDataException>(() => FrameStreamFile.Read(path)).Message);
    }
}
