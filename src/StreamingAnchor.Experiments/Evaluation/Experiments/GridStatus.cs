using StreamingAnchor.Cluster;

namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// The cells of a grid run on Slurm, from the folder (result files, the submissions sal made, the task logs) and from
/// Slurm (squeue, sacct). <see cref="QueueNote"/> says what could not be asked (no accounting, no squeue here).
/// </summary>
public sealed record GridStatus(IReadOnlyList<CellStatus> Cells, string? QueueNote)
{
    public int Count(CellState state) => Cells.Count(c => c.State == state);

    /// <summary>Cells a resubmission sends again: never submitted, or left the queue without a result.</summary>
    public IReadOnlyList<int> ToSubmit => Cells.Where(c => c.State is CellState.Missing or CellState.Failed).Select(c => c.Index).ToList();

    /// <summary>
    /// Decides each cell's state: a result file means done, whatever Slurm says; otherwise the latest submission that
    /// holds the cell decides: its task queued or running in squeue, or else failed, with sacct's final state when the
    /// cluster keeps accounting and the last line of the task's log (sal prints its error there as one line).
    /// </summary>
    /// <param name="logOf">The log file of a task (job id, cell index).</param>
    public static GridStatus Of(IReadOnlyList<ExperimentCell> cells, Func<int, bool> finished, IReadOnlyList<GridSubmission> submissions,
        IReadOnlyList<SlurmTaskRecord> queue, IReadOnlyList<SlurmTaskRecord>? accounting, Func<long, int, string> logOf, string? queueNote)
    {
        var queued = queue.Where(r => r.TaskId is not null).GroupBy(r => (r.JobId, r.TaskId!.Value)).ToDictionary(g => g.Key, g => g.First());
        var ended = (accounting ?? []).Where(r => r.TaskId is not null).GroupBy(r => (r.JobId, r.TaskId!.Value)).ToDictionary(g => g.Key, g => g.Last());
        var result = new List<CellStatus>(cells.Count);
        for (var i = 0; i < cells.Count; i++)
        {
            var name = cells[i].Name;
            var latest = submissions.LastOrDefault(s => s.Cells.Contains(i));
            var task = latest is null ? null : FormattableString.Invariant($"{latest.JobId}_{i}");
            if (finished(i))
            {
                result.Add(new CellStatus(i, name, CellState.Done, task));
                continue;
            }
            if (latest is null)
            {
                result.Add(new CellStatus(i, name, CellState.Missing));
                continue;
            }
            if (queued.TryGetValue((latest.JobId, i), out var q) && (q.IsQueued || q.IsRunning))
            {
                result.Add(new CellStatus(i, name, q.IsRunning ? CellState.Running : CellState.Pending, task));
                continue;
            }
            var why = new List<string>();
            if (ended.TryGetValue((latest.JobId, i), out var e))
            {
                why.Add(e.ExitCode is { Length: > 0 } code ? $"{e.State}, exit {code}" : e.State);
            }
            else
            {
                why.Add("left the queue without a result");
            }
            var log = logOf(latest.JobId, i);
            why.Add(LastLine(log) is { } last ? $"{log}: {last}" : $"no log at {log}");
            result.Add(new CellStatus(i, name, CellState.Failed, task, string.Join("; ", why)));
        }
        return new GridStatus(result, queueNote);
    }

    private static string? LastLine(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }
            // Logs can be long (a line per epoch); the error is at the end.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Max(0, stream.Length - 4096), SeekOrigin.Begin);
            var tail = new StreamReader(stream).ReadToEnd();
            return tail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
