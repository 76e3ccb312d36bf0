namespace StreamingAnchor.Training;

/// <summary>
/// Exclusive ownership of a run folder for as long as training writes into it: <c>.lock</c> opened with
/// <see cref="FileShare.None"/> (an OS lock, flock on Unix) and holding the owner's pid for people reading it. The kernel
/// drops the lock when the owning process dies, however it dies, so a stale file never blocks the next run and no
/// pid guessing is needed to tell a live owner from a dead one.
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = ".lock";

    private readonly FileStream _stream;

    private RunLock(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>Takes the folder (creating it) or throws an <see cref="IOException"/> naming the process that holds it.</summary>
    public static RunLock Acquire(string runDirectory)
    {
        Directory.CreateDirectory(runDirectory);
        var path = System.IO.Path.Combine(runDirectory, FileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException))
        {
            var owner = Holder(System.IO.Path.GetFullPath(path)) is { } pid ? $"sal pid {pid}" : "another process";
            throw new IOException($"{runDirectory} is in use by {owner} (lock {path})", ex);
        }
        try
        {
            stream.SetLength(0);
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write($"{Environment.ProcessId}\n");
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return new RunLock(path, stream);
    }

    /// <summary>
    /// Releases the lock. The file stays: deleting it could let a waiting writer lock the unlinked file while a third
    /// creates a new one, and both would think they own the folder.
    /// </summary>
    public void Dispose() => _stream.Dispose();

    /// <summary>
    /// The process that has the lock file open (Linux: the /proc fd links), for the message only: the OS lock, not
    /// this, decides ownership. The pid inside the file cannot be read while it is locked, since .NET locks readers too.
    /// </summary>
    private static int? Holder(string fullPath)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(System.IO.Path.GetFileName(dir), out var pid))
                {
                    continue;
                }
                try
                {
                    foreach (var fd in Directory.EnumerateFileSystemEntries(System.IO.Path.Combine(dir, "fd")))
                    {
                        if (string.Equals(new FileInfo(fd).LinkTarget, fullPath, StringComparison.Ordinal))
                        {
                            return pid;
                        }
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Other users' processes and ones that exit while we look are skipped.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
