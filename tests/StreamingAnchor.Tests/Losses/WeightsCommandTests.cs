using System.Globalization;
using StreamingAnchor.Losses;
using StreamingAnchor.Tests.Data;

namespace StreamingAnchor.Tests.Losses;

/// <summary>`sal weights` as a user runs it (a separate process), and the curve it prints.</summary>
public sealed class WeightsCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"sal-weights-{Guid.NewGuid():N}");

    [Fact]
    public void PrintsTheSalCurveAsCsv()
    {
        var (code, stdout, stderr) = SalProcess.Run("weights", "--kernel", "exp", "--tau", "8", "--lambda", "4", "--frames", "60", "--anchor", "40");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("frame,weight", lines[0]);
        Assert.Equal(61, lines.Length);
        for (var t = 0; t < 60; t++)
        {
            var parts = lines[t + 1].Split(',');
            Assert.Equal(t, int.Parse(parts[0], CultureInfo.InvariantCulture));
            var expected = 1 + 4 * Math.Exp(-Math.Abs(t - 40) / 8.0);
            var printed = double.Parse(parts[1], CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(expected - printed) <= 6e-7, $"frame {t}: printed {printed}, expected {expected}");
        }
    }

    [Fact]
    public void DrawsAPngWhenAsked()
    {
        var png = Path.Combine(_dir, "weights.png");
        var (code, _, stderr) = SalProcess.Run("weights", "--kernel", "gaussian", "--tau", "5", "--anchor", "20", "--anchor", "45", "--png", png);
        Assert.True(code == 0, stderr);
        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 1000);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
    }

    [Fact]
    public void BadOptionsGiveOneLineErrors()
    {
        var (code, stdout, stderr) = SalProcess.Run("weights", "--kernel", "cosine", "--anchor", "3");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal("error: --kernel: unknown kernel 'cosine' (expected exp, gaussian, triangular or box) (see `sal weights --help`)", stderr.Trim());
    }

    [Fact]
    public void CurveComesFromTheLossItself()
    {
        var config = new LossConfig { Kind = LossKind.Sal, Kernel = KernelShape.Triangular, Tau = 4, TauAfter = 0, Lambda = 2 };
        var curve = WeightCurve.Compute(config, 12, [6.5]);
        // Triangular, W = 4 before the anchor only: s = max(0, 1 - (6.5 - t)/4) for t < 6.5, 0 after.
        for (var t = 0; t < 12; t++)
        {
            var s = t < 6.5 ? Math.Max(0, 1 - (6.5 - t) / 4) : 0;
            Assert.Equal(1 + 2 * s, curve[t], 12);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
