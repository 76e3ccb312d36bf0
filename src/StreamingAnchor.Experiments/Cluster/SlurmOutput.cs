using System.Globalization;

namespace StreamingAnchor.Cluster;

/// <summary>
/// Parses the machine-readable output sal asks squeue and sacct for: squeue --noheader --array --format=%i|%T and
/// sacct --noheader --parsable2 --format=JobID,State,ExitCode. Array ids come as "JOB_TASK", or, for tasks not yet
/// split off, "JOB_[0-3,5%2]"; sacct adds step lines ("JOB_TASK.batch", ".extern", ".0") and states such as
/// "CANCELLED by 0", which are reduced to their first word.
/// </summary>
public static class SlurmOutput
{
    public static IReadOnlyList<SlurmTaskRecord> ParseSqueue(string text) => Parse(text, fields: 2);

    public static IReadOnlyList<SlurmTaskRecord> ParseSacct(string text) => Parse(text, fields: 3);

    private static List<SlurmTaskRecord> Parse(string text, int fields)
    {
        var records = new List<SlurmTaskRecord>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }
            var cols = line.Split('|');
            if (cols.Length < fields)
            {
                throw new FormatException($"unexpected Slurm output line '{line}' (expected {fields} fields separated by |)");
            }
            var id = cols[0];
            if (id.Contains('.'))
            {
                // A job step (batch script, extern, srun step): the task's own line carries its state.
                continue;
            }
            var state = cols[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            // squeue may add a reason in parentheses, sacct a "+" for states it truncated.
            state = state.TrimEnd('+');
            var exit = fields > 2 ? cols[2] : null;
            var underscore = id.IndexOf('_', StringComparison.Ordinal);
            if (underscore < 0)
            {
                records.Add(new SlurmTaskRecord(JobId(id, line), null, state, exit));
                continue;
            }
            var job = JobId(id[..underscore], line);
            var task = id[(underscore + 1)..];
            if (task.StartsWith('[') && task.EndsWith(']'))
            {
                records.AddRange(SlurmArraySpec.Parse(task[1..^1]).Select(t => new SlurmTaskRecord(job, t, state, exit)));
            }
            else if (int.TryParse(task, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                records.Add(new SlurmTaskRecord(job, t, state, exit));
            }
            else
            {
                throw new FormatException($"unexpected Slurm job id '{id}' in '{line}'");
            }
        }
        return records;
    }

    private static long JobId(string text, string line) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw new FormatException($"unexpected Slurm job id '{text}' in '{line}'");
}
