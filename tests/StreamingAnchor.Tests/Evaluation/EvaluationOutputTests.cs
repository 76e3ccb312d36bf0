using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Tests.Evaluation;

public class EvaluationOutputTests
{
    private static List<PosteriorTrace> Traces()
    {
        var rng = new Random(3);
        var traces = new List<PosteriorTrace>();
        for (var i = 0; i < 6; i++)
        {
            var p = Enumerable.Range(0, 500).Select(_ => (float)(0.3 * rng.NextDouble())).ToArray();
            var anchor = 2.0 + 0.2 * i;
            var frame = (int)Math.Round((anchor - 0.025) / 0.01) + i * 3;
            for (var t = frame - 5; t < frame + 5; t++)
            {
                p[t] = 0.95f;
            }
            traces.Add(new PosteriorTrace($"s{i}", p, 1, 5.0, [new EvalEvent(1, anchor, anchor - 0.5, anchor)]));
        }
        return traces;
    }

    private static bool IsPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return bytes.Length > 1000 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G';
    }

    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(0.71434, "0.7143")]
    [InlineData(0.9999991181640625, "0.9999991")]
    [InlineData(0.99995, "0.99995")]
    [InlineData(1.0, "1")]
    [InlineData(0.00000123, "0.0000012")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void AThresholdIsNeverPrintedAsOneOrZeroWhenItIsNeither(double threshold, string printed) =>
        Assert.Equal(printed, EvaluationSummary.Threshold(threshold));

    [Fact]
    public void PlotsMetricsAndReportAreWrittenAndMetricsReadBack()
    {
        var dir = Directory.CreateTempSubdirectory("sal-eval-").FullName;
        try
        {
            var traces = Traces();
            var config = new EvaluationConfig { FaPerHourTargets = [0.5, 1, 100] };
            var result = DetectionEvaluator.Run(traces, config);
            var summary = new EvaluationSummary("toy", TaskKind.Kws, "toy.jsonl", config, result);
            EvaluationPlots.Det(Path.Combine(dir, "det.png"), [("toy", result), ("toy again", result)]);
            EvaluationPlots.Latency(Path.Combine(dir, "latency.png"), [("toy", result)]);
            EvaluationPlots.Trace(Path.Combine(dir, "trace.png"), traces[0], config.Detector, 0.5);
            summary.Save(Path.Combine(dir, "metrics.json"));
            File.WriteAllText(Path.Combine(dir, "report.md"), summary.ToMarkdown());

            Assert.True(IsPng(Path.Combine(dir, "det.png")));
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(dir, "det.svg")));
            Assert.True(IsPng(Path.Combine(dir, "latency.png")));
            Assert.True(IsPng(Path.Combine(dir, "trace.png")));
            Assert.Empty(Directory.GetFiles(dir, "*" + AtomicFile.TempMarker + "*"));

            var back = EvaluationSummary.Load(Path.Combine(dir, "metrics.json"));
            Assert.Equal(result.Curve.Count, back.Result.Curve.Count);
            Assert.Equal(result.Targets[2].Point.Frr, back.Result.Targets[2].Point.Frr);
            Assert.Equal(result.Targets[2].Point.Latencies, back.Result.Targets[2].Point.Latencies);
            Assert.Equal(6, result.Targets[2].Point.Hits);
            Assert.Contains("| FA/h <= 100 |", File.ReadAllText(Path.Combine(dir, "report.md")));
            var table = EvaluationSummary.ComparisonMarkdown([summary, back]);
            Assert.Equal(4, table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void LoadingAMissingMetricsFileNamesIt()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => EvaluationSummary.Load("/nonexistent/metrics.json"));
        Assert.Contains("/nonexistent/metrics.json", ex.Message);
    }
}
