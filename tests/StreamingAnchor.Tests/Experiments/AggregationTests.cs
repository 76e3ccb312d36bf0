using StreamingAnchor.Evaluation.Experiments;

namespace StreamingAnchor.Tests.Experiments;

public class AggregationTests
{
    private static CellResult Cell(string model, string loss, int seed, double frr, double latency, double accuracy, double? tau = null) =>
        new($"{model}-{loss}-s{seed}", model, loss, seed, tau is null ? null : "tau", tau, 1, frr, 0, latency, latency + 0.1, accuracy, 0.2,
            10, 20, 0.1, 100, 2, 10, 1, 1);

    [Fact]
    public void MeanAndSampleStandardDeviationLeaveMissingValuesOut()
    {
        var s = MetricStats.Of([1, 2, 3, double.NaN]);
        Assert.Equal(2, s.Mean, 12);
        Assert.Equal(1, s.Std, 12);
        Assert.Equal(3, s.Count);
        Assert.Equal(1, s.Missing);

        var one = MetricStats.Of([0.25]);
        Assert.Equal(0.25, one.Mean);
        Assert.True(double.IsNaN(one.Std));
        var none = MetricStats.Of([double.NaN]);
        Assert.True(double.IsNaN(none.Mean));
        Assert.Equal("-", ExperimentReport.Pct(none));
    }

    [Fact]
    public void RowsCompareEachLossWithCeOfTheSameModel()
    {
        var rows = ExperimentAggregator.Aggregate([
            Cell("gru", "ce", 1, 0.50, 0.30, 0.80), Cell("gru", "ce", 2, 0.30, 0.50, 0.90),
            Cell("gru", "sal", 1, 0.20, 0.20, 0.85), Cell("gru", "sal", 2, 0.40, 0.10, 0.95),
            Cell("tcn", "ce", 1, 0.00, 0.40, 0.70), Cell("tcn", "sal", 1, 0.10, double.NaN, 0.70),
        ]);
        Assert.Equal([("gru", "ce"), ("gru", "sal"), ("tcn", "ce"), ("tcn", "sal")], rows.Select(r => (r.Model, r.Loss)));

        var gruSal = rows[1];
        Assert.Equal(2, gruSal.Seeds);
        Assert.Equal(0.30, gruSal.Frr.Mean, 12);
        Assert.Equal(Math.Sqrt(0.02), gruSal.Frr.Std, 12);
        Assert.Equal(-0.25, gruSal.FrrChangeVsCe, 12);          // (0.30 - 0.40) / 0.40
        Assert.Equal(-0.625, gruSal.LatencyChangeVsCe, 12);     // (0.15 - 0.40) / 0.40
        Assert.Equal(0.9 / 0.85 - 1, gruSal.FrameAccuracyChangeVsCe, 12);
        Assert.Equal(0, rows[0].FrrChangeVsCe, 12);

        // CE with FRR 0 has no relative change; a loss without hits has no latency.
        Assert.True(double.IsNaN(rows[3].FrrChangeVsCe));
        Assert.True(double.IsNaN(rows[3].LatencyMedian.Mean));
        Assert.Equal(1, rows[3].LatencyMedian.Missing);
        Assert.True(double.IsNaN(rows[3].LatencyChangeVsCe));
    }

    [Fact]
    public void SweepValuesAreSeparateRowsAndCeIsTheirCommonReference()
    {
        var rows = ExperimentAggregator.Aggregate([
            Cell("gru", "ce", 1, 0.40, 0.30, 0.8),
            Cell("gru", "sal", 1, 0.20, 0.20, 0.8, tau: 2), Cell("gru", "sal", 1, 0.60, 0.20, 0.8, tau: 8),
        ]);
        Assert.Equal(3, rows.Count);
        Assert.Equal(-0.5, rows.Single(r => r.SweepValue == 2).FrrChangeVsCe, 12);
        Assert.Equal(0.5, rows.Single(r => r.SweepValue == 8).FrrChangeVsCe, 12);
        Assert.Equal("-50%", ExperimentReport.Rel(rows.Single(r => r.SweepValue == 2).FrrChangeVsCe));
        Assert.Equal("+50%", ExperimentReport.Rel(rows.Single(r => r.SweepValue == 8).FrrChangeVsCe));
    }

    [Fact]
    public void ASweepTrainsOnlyTheLossesItChangesOncePerValue()
    {
        var config = new ExperimentConfig
        {
            Data = "m.jsonl",
            Models = [ModelFamily.Gru],
            Losses = [LossKind.Ce, LossKind.Focal, LossKind.Sal, LossKind.Safl],
            Seeds = 2,
            Sweep = ExperimentSweep.Parse("tau=2,8"),
        };
        var names = config.Cells().Select(c => c.Name).ToList();
        Assert.Equal([
            "gru-ce-s1", "gru-ce-s2", "gru-focal-s1", "gru-focal-s2",
            "gru-sal-tau2-s1", "gru-sal-tau2-s2", "gru-sal-tau8-s1", "gru-sal-tau8-s2",
            "gru-safl-tau2-s1", "gru-safl-tau2-s2", "gru-safl-tau8-s1", "gru-safl-tau8-s2",
        ], names);
        var cell = config.Cells().First(c => c.Name == "gru-safl-tau8-s2");
        var train = config.TrainConfigOf(cell);
        Assert.Equal(8, train.Loss.Tau);
        Assert.Equal(LossKind.Safl, train.Loss.Kind);
        Assert.Equal(2, train.Seed);

        Assert.Equal([LossKind.Focal, LossKind.SaPlusFl], new[] { LossKind.Ce, LossKind.Focal, LossKind.Sal, LossKind.SaPlusFl }
            .Where(l => ExperimentSweep.Parse("gamma=1,2").Affects(new global::StreamingAnchor.Losses.LossConfig { Kind = l })));
        Assert.Throws<ArgumentException>(() => ExperimentSweep.Parse("tau=2,x"));
    }

    [Fact]
    public void TheReportTabulatesNearMissesByKindOnlyWhenTheTestSplitMarksThem()
    {
        var config = new ExperimentConfig { Data = "m.jsonl", Models = [ModelFamily.Tcn], Losses = [LossKind.Ce, LossKind.Sal], Seeds = 1 };
        var ce = Cell("tcn", "ce", 1, 0.9, 0.2, 0.9) with
        {
            FaPerHour = 10, TestHours = 1, NearMisses = 10, NearMissesFired = 3, NearMissAlarms = 4,
            NearMissesByKind = [new(global::StreamingAnchor.Data.NearMissKind.EditAtEnd, 4, 2), new(global::StreamingAnchor.Data.NearMissKind.Phrase, 6, 1)],
        };
        var sal = Cell("tcn", "sal", 1, 0.8, 0.1, 0.9) with
        {
            FaPerHour = 10, TestHours = 1, NearMisses = 10, NearMissesFired = 5, NearMissesByKind = [new(global::StreamingAnchor.Data.NearMissKind.EditAtEnd, 4, 4)],
        };
        string Report(params CellResult[] cells) => ExperimentReport.Markdown(new ExperimentResults(config, new DataSummary("m.jsonl", 1, 1, 1, 1, 1, 1),
            "test", cells, ExperimentAggregator.Aggregate(cells), cells.Length, 0, DateTimeOffset.UnixEpoch));

        var report = Report(ce, sal);
        Assert.Contains("of the 10 the test split marks, in all and by kind", report);
        Assert.Contains("| cell | FRR | FA/h on near misses | FA/h elsewhere | near misses fired | edit-end (4) | phrase (6) |", report);
        Assert.Contains("| tcn-ce-s1 | 90.0% | 4.0 | 6.0 | 30.0% | 50.0% | 16.7% |", report);
        Assert.Contains("| tcn-sal-s1 | 80.0% | 0.0 | 10.0 | 50.0% | 100.0% | - |", report);
        Assert.DoesNotContain("near misses fired", Report(ce with { NearMisses = 0, NearMissesByKind = [] }, sal with { NearMisses = 0, NearMissesByKind = [] }));
    }

    [Fact]
    public void SweepsOverOneSideOfTheKernelAndTheAnchorShiftTouchOnlyTheAnchorLosses()
    {
        var config = new ExperimentConfig
        {
            Data = "x.jsonl",
            Models = [ModelFamily.Tcn],
            Losses = [LossKind.Ce, LossKind.Sal],
            Seeds = 1,
            Sweep = ExperimentSweep.Parse("anchor-shift=-10,0,10"),
        };
        Assert.Equal(["tcn-ce-s1", "tcn-sal-anchor-shift-10-s1", "tcn-sal-anchor-shift0-s1", "tcn-sal-anchor-shift+10-s1"],
            config.Cells().Select(c => c.Name));
        var shifted = config.TrainConfigOf(config.Cells().Single(c => c.Name == "tcn-sal-anchor-shift-10-s1"));
        Assert.Equal(-10, shifted.Loss.AnchorShift);
        Assert.Equal(0, config.TrainConfigOf(config.Cells().First()).Loss.AnchorShift);

        var before = ExperimentSweep.Parse("tau-before=0,16");
        Assert.Equal(16, before.Apply(new global::StreamingAnchor.Losses.LossConfig(), 16).SignificanceKernel().SpreadBefore);
        Assert.Equal(8, before.Apply(new global::StreamingAnchor.Losses.LossConfig(), 16).SignificanceKernel().SpreadAfter);
        var after = ExperimentSweep.Parse("tau-after=0");
        Assert.Equal(0, after.Apply(new global::StreamingAnchor.Losses.LossConfig(), 0).SignificanceKernel().SpreadAfter);
        Assert.Equal([LossKind.Sal, LossKind.SaPlusFl, LossKind.Safl], new[] { LossKind.Ce, LossKind.Focal, LossKind.MaxPool, LossKind.Sal, LossKind.SaPlusFl, LossKind.Safl }
            .Where(l => after.Affects(new global::StreamingAnchor.Losses.LossConfig { Kind = l })));

        // Only a direction in time may be negative.
        Assert.Contains("finite number >= 0", Assert.Throws<ArgumentException>(() => ExperimentSweep.Parse("tau-before=-1")).Message);
        Assert.Contains("expected finite numbers >= 0", Assert.Throws<ArgumentException>(() => new ExperimentSweep("lambda", [-2]).Validate()).Message);
        Assert.Throws<ArgumentException>(() => ExperimentSweep.Parse("anchor-shift=nan"));
    }

    [Fact]
    public void BudgetsParseEpochsStepsOrBoth()
    {
        Assert.Equal(new ExperimentBudget(3), ExperimentBudget.Parse("epochs=3"));
        Assert.Equal(new ExperimentBudget(3), ExperimentBudget.Parse("3"));
        Assert.Equal(new ExperimentBudget(4, 100), ExperimentBudget.Parse("epochs=4,steps=100"));
        Assert.Equal(100, ExperimentBudget.Parse("steps=100").MaxSteps);
        Assert.Throws<ArgumentException>(() => ExperimentBudget.Parse("epochs=0"));
        Assert.Throws<ArgumentException>(() => ExperimentBudget.Parse("minutes=3"));
    }

    [Fact]
    public void ALibTorchFailureIsRetriedAtMostMaxAttemptsTimesAndOtherErrorsAreNot()
    {
        var calls = 0;
        var retries = new List<int>();
        var value = StreamingAnchor.Training.LibTorchRetry.Run(() =>
        {
            if (++calls < StreamingAnchor.Training.LibTorchRetry.MaxAttempts)
            {
                throw new System.Runtime.InteropServices.ExternalException("Expected false to be true, but got false.");
            }
            return 42;
        }, (attempt, _) => retries.Add(attempt));
        Assert.Equal(42, value);
        Assert.Equal(Enumerable.Range(2, StreamingAnchor.Training.LibTorchRetry.MaxAttempts - 1), retries);
        Assert.Equal("Expected false to be true.", StreamingAnchor.Training.LibTorchRetry.Describe(
            new System.Runtime.InteropServices.ExternalException(" Expected false to be true. \nframe #0: c10::Error::Error")));

        calls = 0;
        Assert.Throws<System.Runtime.InteropServices.ExternalException>(() => StreamingAnchor.Training.LibTorchRetry.Run<int>(() =>
        {
            calls++;
            throw new System.Runtime.InteropServices.ExternalException("always");
        }));
        Assert.Equal(StreamingAnchor.Training.LibTorchRetry.MaxAttempts, calls);

        calls = 0;
        Assert.Throws<IOException>(() => StreamingAnchor.Training.LibTorchRetry.Run<int>(() =>
        {
            calls++;
            throw new IOException("disk full");
        }));
        Assert.Equal(1, calls);
    }
}
