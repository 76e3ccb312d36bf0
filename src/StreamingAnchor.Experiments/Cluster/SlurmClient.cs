using System.Globalization;

namespace StreamingAnchor.Cluster;

/// <summary>
/// The Slurm commands sal runs: sbatch to submit an array, squeue for what is queued or running, sacct (where the
/// cluster keeps accounting) for how finished tasks ended. They find the cluster the usual way (slurm.conf, or
/// SLURM_CONF in the environment, which the child processes inherit).
/// </summary>
public static class SlurmClient
{
    /// <summary>Why Slurm cannot be used from here, or null when sbatch and squeue are on the PATH.</summary>
    public static string? Unavailable() =>
        ToolRunner.Exists("sbatch") && ToolRunner.Exists("squeue") ? null : "sbatch and squeue are not on the PATH (is this a Slurm login node?)";

    /// <summary>Submits <paramref name="script"/> as an array over <paramref name="arraySpec"/>; returns the array's job id.</summary>
    public static long Submit(string script, string arraySpec)
    {
        var result = Run("sbatch", ["--parsable", $"--array={arraySpec}", script]);
        // --parsable prints "JOBID" or "JOBID;CLUSTER".
        var text = result.Trim().Split(';')[0];
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new SlurmException($"sbatch --array={arraySpec} {script}: unexpected answer '{result.Trim()}' (expected a job id)");
    }

    /// <summary>This user's queued and running array tasks, one record per task.</summary>
    public static IReadOnlyList<SlurmTaskRecord> Queue() =>
        SlurmOutput.ParseSqueue(Run("squeue", ["--noheader", "--array", "--me", "--format=%i|%T"]));

    /// <summary>
    /// How the tasks of these jobs ended, from sacct; null with the reason where the cluster keeps no accounting
    /// (sacct then fails with "accounting storage is disabled").
    /// </summary>
    public static (IReadOnlyList<SlurmTaskRecord>? Records, string? Problem) Accounting(IReadOnlyCollection<long> jobs)
    {
        if (jobs.Count == 0 || !ToolRunner.Exists("sacct"))
        {
            return (null, jobs.Count == 0 ? null : "sacct is not on the PATH");
        }
        var result = ToolRunner.Run("sacct", ["--noheader", "--parsable2", "--format=JobID,State,ExitCode",
            "--jobs=" + string.Join(',', jobs.Select(j => j.ToString(CultureInfo.InvariantCulture)))]);
        if (result.ExitCode != 0)
        {
            return (null, $"sacct: {OneLine(result.Stderr)}");
        }
        return (SlurmOutput.ParseSacct(result.StdoutText), null);
    }

    private static string Run(string tool, IReadOnlyList<string> args)
    {
        var result = ToolRunner.Run(tool, args);
        if (result.ExitCode != 0)
        {
            throw new SlurmException($"{tool} {string.Join(' ', args)} failed (exit {result.ExitCode}): {OneLine(result.Stderr)}");
        }
        return result.StdoutText;
    }

    private static string OneLine(string text)
    {
        var line = ErrorText.OneLine(text);
        return line.Length > 0 ? line : "no message";
    }
}
