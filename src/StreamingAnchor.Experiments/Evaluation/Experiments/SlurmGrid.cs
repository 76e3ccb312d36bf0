using System.Text.Json;
using StreamingAnchor.Cluster;

namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// A grid run as one Slurm job array on a shared filesystem: array task N runs cell N with `sal experiment cell`
/// (<see cref="ExperimentRunner.RunCell"/>), which writes the cell's result atomically into the grid folder. The folder
/// keeps the job script, the task logs and every submission (slurm/), so status and resubmission need nothing else.
/// </summary>
public static class SlurmGrid
{
    public const string Folder = "slurm";
    public const string ScriptFile = "cell.sbatch";
    public const string JobsFile = "jobs.json";
    public const string LogFolder = "logs";

    /// <summary>
    /// Sets the grid up (experiment.json; a folder holding another grid is refused), then submits one array of the cells
    /// that are neither finished nor queued nor running. Returns the submission (null when nothing was left to submit)
    /// and the status it was decided from.
    /// </summary>
    /// <param name="command">The program and arguments that run one cell; the cell index is appended (see <see cref="CellCommand"/>).</param>
    public static (GridSubmission? Submission, GridStatus Before) Submit(ExperimentConfig config, string outDirectory, IReadOnlyList<string> command)
    {
        var resources = config.Slurm ?? new SlurmResources();
        resources.Validate();
        if (SlurmClient.Unavailable() is { } why)
        {
            throw new SlurmException($"cannot submit to Slurm: {why}");
        }
        var dir = Path.GetFullPath(outDirectory);
        (config, _) = ExperimentRunner.Setup(config with { Slurm = resources }, dir, requireSameGrid: true);
        var before = Status(dir);
        var cells = before.ToSubmit;
        if (cells.Count == 0)
        {
            return (null, before);
        }
        var slurm = Path.Combine(dir, Folder);
        var logs = Path.Combine(slurm, LogFolder);
        Directory.CreateDirectory(logs);
        var script = Path.Combine(slurm, ScriptFile);
        // Rewritten on each submission: sbatch keeps its own copy of the script of a job already submitted.
        AtomicFile.WriteAllText(script, SbatchScript.Render(resources, JobName(dir), logs, command));
        var job = SlurmClient.Submit(script, SlurmArraySpec.Format(cells));
        var submission = new GridSubmission(job, cells, DateTimeOffset.UtcNow);
        SaveSubmissions(dir, [.. LoadSubmissions(dir), submission]);
        return (submission, before);
    }

    /// <summary>The command line of one array task: the launcher of this sal, then `experiment cell DIR --threads N`.</summary>
    public static IReadOnlyList<string> CellCommand(IReadOnlyList<string> launcher, string outDirectory, int threads) =>
        [.. launcher, "experiment", "cell", Path.GetFullPath(outDirectory), "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    /// <summary>Each cell's state, from the folder and, where Slurm answers, squeue and sacct.</summary>
    public static GridStatus Status(string outDirectory)
    {
        var dir = Path.GetFullPath(outDirectory);
        var config = ExperimentRunner.LoadConfig(dir);
        var cells = config.Cells();
        var submissions = LoadSubmissions(dir);
        IReadOnlyList<SlurmTaskRecord> queue = [];
        IReadOnlyList<SlurmTaskRecord>? accounting = null;
        string? note = null;
        if (submissions.Count > 0)
        {
            if (SlurmClient.Unavailable() is { } why)
            {
                // Still useful off the cluster: finished cells are in the folder; the rest cannot be told apart.
                note = $"Slurm not reachable ({why}); cells without a result are shown as failed";
            }
            else
            {
                queue = SlurmClient.Queue();
                (accounting, var problem) = SlurmClient.Accounting(submissions.Select(s => s.JobId).Distinct().ToList());
                note = problem is null ? null : $"no accounting ({problem}); failed cells show their log's last line";
            }
        }
        return GridStatus.Of(cells, i => ExperimentRunner.IsFinished(dir, cells[i]), submissions, queue, accounting,
            (job, cell) => LogOf(dir, job, cell), note);
    }

    /// <summary>The log of one array task, as the job script names it.</summary>
    public static string LogOf(string outDirectory, long job, int cell) =>
        Path.Combine(Path.GetFullPath(outDirectory), Folder, LogFolder, FormattableString.Invariant($"cell-{cell}.job-{job}.out"));

    public static IReadOnlyList<GridSubmission> LoadSubmissions(string outDirectory)
    {
        var path = Path.Combine(outDirectory, Folder, JobsFile);
        if (!File.Exists(path))
        {
            return [];
        }
        var text = File.ReadAllText(path);
        try
        {
            return JsonSerializer.Deserialize<List<GridSubmission>>(text, ProjectJson.Results)
                   ?? throw new FormatException($"{path}: empty list of submissions");
        }
        catch (JsonException ex)
        {
            throw new FormatException(StrictJson.Describe(ex, text, typeof(List<GridSubmission>), ProjectJson.Results, path, "list of submissions"), ex);
        }
    }

    private static void SaveSubmissions(string outDirectory, IReadOnlyList<GridSubmission> submissions) =>
        AtomicFile.WriteAllText(Path.Combine(outDirectory, Folder, JobsFile), JsonSerializer.Serialize(submissions, ProjectJson.Results));

    /// <summary>"sal-" and the folder's name, so squeue tells grids apart.</summary>
    private static string JobName(string dir)
    {
        var name = new string(Path.GetFileName(dir.TrimEnd('/')).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return "sal-" + (name.Length > 0 ? name : "grid");
    }
}
