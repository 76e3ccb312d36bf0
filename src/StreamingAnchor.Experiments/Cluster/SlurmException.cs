namespace StreamingAnchor.Cluster;

/// <summary>A Slurm command failed or answered something sal cannot read; the message quotes the command and its error.</summary>
public sealed class SlurmException(string message, Exception? inner = null) : Exception(message, inner);
