using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace StreamingAnchor;

/// <summary>
/// Writes that matter (checkpoints, manifests, datasets) go to a temp file first, which is flushed to disk and then
/// renamed into place; the folder is flushed after the rename so the new name survives a power cut. A crash leaves
/// either the old file or the new one, plus at worst a temp file named <c>.name.tmp-PID-RANDOM</c>, which the next
/// write into that folder removes once process PID is gone.
/// </summary>
public static class AtomicFile
{
    /// <summary>Marks temp files: <c>.{name}{TempMarker}{pid}-{random}</c>.</summary>
    public const string TempMarker = ".tmp-";

    // Folders this process has already swept: sweeping once per folder keeps writing many files into one folder linear.
    private static readonly ConcurrentDictionary<string, bool> Swept = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="write"/> against a temp path beside <paramref name="path"/>, then renames it over the target.</summary>
    public static void Write(string path, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        if (Swept.TryAdd(dir, true))
        {
            SweepStaleTemps(dir);
        }
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}{TempMarker}{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            write(tmp);
            FlushFile(tmp);
            File.Move(tmp, full, overwrite: true);
            FlushDirectory(dir);
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
    }

    public static void WriteAllText(string path, string text) => Write(path, tmp => File.WriteAllText(tmp, text));

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, tmp => File.WriteAllBytes(tmp, bytes));

    /// <summary>
    /// Deletes temp files in <paramref name="dir"/> left by writers that died (their pid no longer runs); returns how
    /// many. A file whose pid is alive, or whose name does not parse, is left alone: it may be a write in progress.
    /// Called on the first write into each folder; the owner of a run or corpus folder may also call it at start.
    /// </summary>
    public static int SweepStaleTemps(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return 0;
        }
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(dir, "*" + TempMarker + "*"))
        {
            if (TempOwner(Path.GetFileName(file)) is not { } pid || IsAlive(pid))
            {
                continue;
            }
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another sweeper got there first, or the file belongs to someone we may not touch: not our problem.
            }
        }
        return removed;
    }

    /// <summary>The pid in a temp file name <c>.name.tmp-PID-RANDOM</c>; null when the name is not one of ours.</summary>
    public static int? TempOwner(string fileName)
    {
        var marker = fileName.LastIndexOf(TempMarker, StringComparison.Ordinal);
        if (!fileName.StartsWith('.') || marker < 1)
        {
            return null;
        }
        var rest = fileName[(marker + TempMarker.Length)..];
        var dash = rest.IndexOf('-', StringComparison.Ordinal);
        if (dash < 1 || dash == rest.Length - 1 || !rest[(dash + 1)..].All(char.IsAsciiHexDigit))
        {
            return null;
        }
        return int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
    }

    /// <summary>Whether process <paramref name="pid"/> exists; in doubt (no permission to ask) it counts as alive.</summary>
    public static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }
        if (OperatingSystem.IsWindows())
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                return !p.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }
        // kill(pid, 0) sends nothing and fails with ESRCH only when no such process exists (EPERM means it does).
        return Native.Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != Native.Esrch;
    }

    private static void FlushFile(string path)
    {
        // Without this the rename can reach the disk before the data, and a crash leaves an empty or partial file.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        stream.Flush(flushToDisk: true);
    }

    private static void FlushDirectory(string dir)
    {
        // .NET refuses to open a directory as a file, so the folder's entry is flushed through libc. Windows has no
        // equivalent and makes renames durable on its own.
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var fd = Native.Open(dir, Native.ReadOnly);
        if (fd < 0)
        {
            // A folder we may write into but not read: the file is in place, only its durability is not confirmed.
            if (Marshal.GetLastPInvokeError() == Native.Eacces)
            {
                return;
            }
            throw new IOException($"{dir}: cannot open the folder to flush it (errno {Marshal.GetLastPInvokeError()})");
        }
        try
        {
            // EINVAL: the file system cannot sync folders (some network and FUSE mounts), nothing more to do there.
            if (Native.Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != Native.Einval)
            {
                throw new IOException($"{dir}: flushing the folder to disk failed (errno {errno})");
            }
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    private static class Native
    {
        public const int ReadOnly = 0;
        public const int Esrch = 3;
        public const int Eacces = 13;
        public const int Einval = 22;

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        public static extern int Close(int fd);

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}
