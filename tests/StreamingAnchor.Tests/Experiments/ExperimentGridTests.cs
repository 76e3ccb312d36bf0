using StreamingAnchor.Evaluation.Experiments;
using StreamingAnchor.Tests.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Experiments;

[Collection(LibTorchRngCollection.Name)]
public class ExperimentGridTests(TinyKwsCorpus corpus) : IClassFixture<TinyKwsCorpus>
{
    private ExperimentConfig Grid() => corpus.TinyGrid();

    [SkippableFact]
    [Trait("Category", "E2E")]
    public void AGridRunsEndToEndAndAnInterruptedGridContinuesWhereItStopped()
    {
        Skip.If(corpus.Manifest is null, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var dir = corpus.NewFolder("grid");
        var config = Grid();
        var names = config.Cells().Select(c => c.Name).ToList();
        Assert.Equal(["gru-ce-s1", "gru-ce-s2", "gru-sal-s1", "gru-sal-s2"], names);

        // First session: killed inside the second epoch of the second cell.
        Assert.Throws<OperationCanceledException>(() => ExperimentRunner.Run(config, dir, new SyncProgress<ExperimentProgress>(p =>
        {
            if (p is { Cell: 2, Stage: "train", Train: { Epoch: 2, Finished: null } })
            {
                throw new OperationCanceledException("simulated kill");
            }
        })));
        Assert.True(File.Exists(CellFile(dir, "gru-ce-s1", ExperimentRunner.CellResultFile)));
        Assert.False(File.Exists(CellFile(dir, "gru-ce-s2", ExperimentRunner.CellResultFile)));
        Assert.Equal(1, Checkpoint.ReadHeader(CellFile(dir, "gru-ce-s2", Trainer.LastCheckpoint)).State.EpochsDone);
        Assert.False(File.Exists(Path.Combine(dir, ExperimentResults.FileName)));

        // Second session: the finished cell is skipped, the interrupted one trains only its second epoch.
        var reports = new List<ExperimentProgress>();
        var results = ExperimentRunner.Run(config, dir, new SyncProgress<ExperimentProgress>(reports.Add));
        Assert.Equal(["gru-ce-s1"], reports.Where(p => p.Stage == "skip").Select(p => p.Name));
        Assert.Equal([2], Epochs(reports, "gru-ce-s2"));
        Assert.Equal([1, 2], Epochs(reports, "gru-sal-s1"));
        Assert.Equal([1, 2], Epochs(reports, "gru-sal-s2"));
        Assert.Equal(names.Skip(1), reports.Where(p => p.Stage == "done").Select(p => p.Name));

        // Outputs: results.json (read back), the table, and every cell's `sal eval` folder.
        var loaded = ExperimentResults.Load(Path.Combine(dir, ExperimentResults.FileName));
        Assert.Equal(names, loaded.Cells.Select(c => c.Name));
        Assert.Equal(4, loaded.PlannedCells);
        Assert.All(loaded.Cells, c =>
        {
            Assert.Equal(2, c.Epochs);
            Assert.InRange(c.Frr, 0, 1);
            Assert.InRange(c.FrameAccuracy, 0, 1);
            Assert.True(c.Events > 0);
            Assert.True(c.Parameters > 0);
            Assert.True(File.Exists(CellFile(dir, c.Name, Path.Combine(RunEvaluator.EvalFolder, "metrics.json"))));
        });
        Assert.Equal(["ce", "sal"], loaded.Rows.Select(r => r.Loss));
        foreach (var row in loaded.Rows)
        {
            Assert.Equal(2, row.Seeds);
            var frr = loaded.Cells.Where(c => c.Loss == row.Loss).Select(c => c.Frr).ToList();
            Assert.Equal(frr.Average(), row.Frr.Mean, 12);
        }
        var table = File.ReadAllText(Path.Combine(dir, ExperimentRunner.TableFile));
        Assert.Contains("| gru | ce | 2 |", table);
        Assert.Contains("| gru | sal | 2 |", table);
        Assert.Contains("FRR vs CE", table);
        Assert.Equal(results.Cells.Select(c => c.Frr), loaded.Cells.Select(c => c.Frr));

        // Another false-alarm budget is read from each cell's saved DET curve: at the grid's own budget it reproduces
        // the stored cells, and a looser budget never misses more. Only printing; the folder's results stay.
        Assert.All(loaded.Cells, c =>
        {
            var same = ExperimentRunner.AtBudget(c, Path.Combine(dir, ExperimentRunner.CellsFolder, c.Name), config.FaPerHour);
            Assert.Equal(c.Frr, same.Frr);
            Assert.Equal(c.LatencyMedian, same.LatencyMedian);
        });
        var loose = ExperimentRunner.Collect(dir, 1000);
        Assert.Equal(1000, loose.Config.FaPerHour);
        Assert.All(loose.Cells.Zip(loaded.Cells), pair =>
        {
            Assert.True(pair.First.Frr <= pair.Second.Frr);
            Assert.True(pair.First.FaPerHour <= 1000);
            Assert.Equal(pair.Second.Eer, pair.First.Eer);
        });
        var before = File.ReadAllText(Path.Combine(dir, ExperimentResults.FileName));
        var (code, stdout, stderr) = SalProcess.Run("experiment", "report", "--fa-per-hour", "1000", dir);
        Assert.True(code == 0, stderr);
        Assert.Contains("FRR @1000 FA/h", stdout);
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir, ExperimentResults.FileName)));

        // Rescoring with the same evaluator changes no number and keeps the training's record.
        var rescored = ExperimentRunner.Rescore(dir);
        Assert.Equal(loaded.Cells.Select(c => (c.Name, c.Frr, c.Eer, c.LatencyMedian, c.TrainSeconds, c.Epochs)),
            rescored.Cells.Select(c => (c.Name, c.Frr, c.Eer, c.LatencyMedian, c.TrainSeconds, c.Epochs)));

        // Third session: nothing left to train.
        var again = new List<ExperimentProgress>();
        var rerun = ExperimentRunner.Run(config, dir, new SyncProgress<ExperimentProgress>(again.Add));
        Assert.Equal(names, again.Where(p => p.Stage == "skip").Select(p => p.Name));
        Assert.DoesNotContain(again, p => p.Stage is "train" or "eval" or "features");
        Assert.Equal(rescored.ComputeSeconds, rerun.ComputeSeconds, 9);

        // A finished cell never silently counts for a different budget.
        var changed = config with { Budget = new ExperimentBudget(3) };
        var ex = Assert.Throws<InvalidOperationException>(() => ExperimentRunner.Run(changed, dir));
        Assert.Contains("gru-ce-s1", ex.Message);
    }

    [SkippableFact]
    public void ReportCommandTabulatesTheFinishedCellsOfAGrid()
    {
        Skip.If(corpus.Manifest is null, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var dir = corpus.NewFolder("report");
        var config = Grid() with { Data = Path.GetFullPath(corpus.Manifest), EmaDecay = 0.998 };
        File.WriteAllText(Path.Combine(dir, ExperimentRunner.ConfigFile), System.Text.Json.JsonSerializer.Serialize(config, ProjectJson.Results));
        // Three of four cells finished, with hand-made numbers: ce FRR 0.5 and 0.3, sal FRR 0.2.
        foreach (var (name, loss, seed, frr) in new[] { ("gru-ce-s1", "ce", 1, 0.5), ("gru-ce-s2", "ce", 2, 0.3), ("gru-sal-s1", "sal", 1, 0.2) })
        {
            Directory.CreateDirectory(Path.Combine(dir, ExperimentRunner.CellsFolder, name));
            var cell = new CellResult(name, "gru", loss, seed, null, null, 1, frr, 0.5, 0.25, 0.4, 0.9, 0.1, 10, 20, 0.1, 1234, 2, 8, 3, 1);
            File.WriteAllText(CellFile(dir, name, ExperimentRunner.CellResultFile), System.Text.Json.JsonSerializer.Serialize(cell, ProjectJson.Results));
        }
        var (code, stdout, stderr) = SalProcess.Run("experiment", "report", dir);
        Assert.True(code == 0, stderr);
        Assert.Contains("3 of 4 cells finished", stdout);
        Assert.Contains(", weights averaged (ema decay 0.998)", stdout);
        Assert.Contains("| gru | ce | 2 | 40.0 ± 14.1% | 0% |", stdout);
        Assert.Contains("| gru | sal | 1 | 20.0% | -50% |", stdout);
        Assert.True(File.Exists(Path.Combine(dir, ExperimentResults.FileName)));

        var bad = SalProcess.Run("experiment", "--task", "kws", "--data", corpus.Manifest, "--sweep", "beta=1,2", "--out", corpus.NewFolder("bad"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("error: unknown sweep parameter 'beta' (expected tau, tau-before, tau-after, lambda, gamma, anchor-shift)", bad.Stderr.Trim());
    }

    [SkippableFact]
    public void CompareCommandPairsTheCellsBothGridsFinishedSeedBySeed()
    {
        Skip.If(corpus.Manifest is null, "espeak-ng or sox not installed (scripts/setup.sh installs them)");
        var config = Grid() with { Data = Path.GetFullPath(corpus.Manifest) };
        string GridOf(string folder, params (string Name, string Loss, int Seed, double Frr, double TrainLoss)[] cells)
        {
            var dir = corpus.NewFolder(folder);
            File.WriteAllText(Path.Combine(dir, ExperimentRunner.ConfigFile), System.Text.Json.JsonSerializer.Serialize(config, ProjectJson.Results));
            foreach (var (name, loss, seed, frr, trainLoss) in cells)
            {
                Directory.CreateDirectory(Path.Combine(dir, ExperimentRunner.CellsFolder, name));
                var cell = new CellResult(name, "gru", loss, seed, null, null, 1, frr, 0.5, 0.25, 0.4, 0.9, 0.1, 10, 20, 0.1, 1234, 2, 8, 3, 1);
                File.WriteAllText(CellFile(dir, name, ExperimentRunner.CellResultFile), System.Text.Json.JsonSerializer.Serialize(cell, ProjectJson.Results));
                File.WriteAllText(CellFile(dir, name, Trainer.MetricsFile), $"{{\"epoch\":1,\"trainLoss\":{trainLoss}}}\n");
            }
            return dir;
        }
        // ce-s1 trained the same in both (equal training loss) and misses less in the other; ce-s2 misses more; the sal
        // cells are seeds the other grid does not have, so they are left out.
        var a = GridOf("compare-a", ("gru-ce-s1", "ce", 1, 0.5, 0.25), ("gru-ce-s2", "ce", 2, 0.3, 0.25), ("gru-sal-s1", "sal", 1, 0.2, 0.25));
        var b = GridOf("compare-b", ("gru-ce-s1", "ce", 1, 0.4, 0.25), ("gru-ce-s2", "ce", 2, 0.35, 0.5), ("gru-sal-s2", "sal", 2, 0.1, 0.25));
        var (code, stdout, stderr) = SalProcess.Run("experiment", "compare", a, b);
        Assert.True(code == 0, stderr);
        Assert.Contains("2 cells finished in both; 1 of them trained identically", stdout);
        Assert.Contains("| gru-ce-s1 | 50.0 % / 40.0 % | 250 / 250 ms | 10.0 % / 10.0 % | yes |", stdout);
        Assert.Contains("| gru-ce-s2 | 30.0 % / 35.0 % | 250 / 250 ms | 10.0 % / 10.0 % | no |", stdout);
        Assert.Contains("| gru | ce | 2 | 1 FA/h | 40.0 ± 14.1 % | 37.5 ± 3.5 % | -2.5 points | 1 / 1 / 0 |", stdout);
        Assert.DoesNotContain("sal", stdout.Split("### ")[1].Split('\n', 2)[1]);

        var onset = corpus.NewFolder("compare-onset");
        File.WriteAllText(Path.Combine(onset, ExperimentRunner.ConfigFile),
            System.Text.Json.JsonSerializer.Serialize(config with { Task = TaskKind.Onset }, ProjectJson.Results));
        var ex = Assert.Throws<InvalidDataException>(() => ExperimentComparison.Of(a, onset));
        Assert.Equal($"{onset}: task onset is not the base grid's (kws in {a}); compare grids of one task", ex.Message);
    }

    private static string CellFile(string dir, string cell, string file) => Path.Combine(dir, ExperimentRunner.CellsFolder, cell, file);

    private static List<int> Epochs(List<ExperimentProgress> reports, string cell) =>
        reports.Where(p => p.Name == cell && p.Train?.Finished is not null).Select(p => p.Train!.Finished!.Epoch).ToList();
}
