namespace StreamingAnchor.Cluster;

/// <summary>
/// One array task as squeue or sacct reports it: the array's job id, the task index (null for a job that is not an
/// array), Slurm's state word (PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, OUT_OF_MEMORY, CANCELLED, ...) and, from
/// sacct, the exit code as "code:signal".
/// </summary>
public sealed record SlurmTaskRecord(long JobId, int? TaskId, string State, string? ExitCode = null)
{
    public bool IsQueued => State is "PENDING" or "CONFIGURING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "RESV_DEL_HOLD" or "SUSPENDED";

    public bool IsRunning => State is "RUNNING" or "COMPLETING" or "STAGE_OUT" or "SIGNALING" or "RESIZING";
}
