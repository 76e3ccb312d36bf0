using System.Globalization;
using System.Text;

namespace StreamingAnchor.Cluster;

/// <summary>
/// The job script of a grid's array: the resources as #SBATCH lines, one log per task, the thread caps, then the one
/// command every task runs with its array index appended. The array spec is not in the script but on the sbatch
/// command line, so one script serves the first submission and every resubmission of missing cells.
/// </summary>
public static class SbatchScript
{
    /// <param name="jobName">Slurm job name (shown by squeue).</param>
    /// <param name="logDirectory">Folder of the task logs, cell-INDEX.job-JOBID.out.</param>
    /// <param name="command">Program and arguments; the task's index ($SLURM_ARRAY_TASK_ID) is appended.</param>
    public static string Render(SlurmResources resources, string jobName, string logDirectory, IReadOnlyList<string> command)
    {
        resources.Validate();
        if (command.Count == 0)
        {
            throw new ArgumentException("the job script needs a command");
        }
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        Line("#!/bin/bash");
        Line($"#SBATCH --job-name={jobName}");
        Line(FormattableString.Invariant($"#SBATCH --cpus-per-task={resources.CpusPerTask}"));
        Line("#SBATCH --ntasks=1");
        if (resources.Memory is { } mem)
        {
            Line($"#SBATCH --mem={mem}");
        }
        if (resources.Time is { } time)
        {
            Line($"#SBATCH --time={time}");
        }
        if (resources.Partition is { } partition)
        {
            Line($"#SBATCH --partition={partition}");
        }
        // %a is the array index (the cell), %A the array's job id: a resubmitted cell keeps its earlier logs.
        Line($"#SBATCH --output={Path.Combine(logDirectory, "cell-%a.job-%A.out")}");
        foreach (var extra in resources.ExtraLines)
        {
            Line(SlurmResources.SbatchLine(extra));
        }
        Line("# Written by sal experiment --submit slurm: array task N runs cell N of the grid.");
        Line("set -euo pipefail");
        // Native math libraries would otherwise start a thread per core of the node, not per CPU of the task.
        var cpus = resources.CpusPerTask.ToString(CultureInfo.InvariantCulture);
        Line($"export OMP_NUM_THREADS={cpus} MKL_NUM_THREADS={cpus} OPENBLAS_NUM_THREADS={cpus}");
        Line("exec " + string.Join(' ', command.Select(Shell.Quote)) + " \"$SLURM_ARRAY_TASK_ID\"");
        return text.ToString();
    }
}
