using System.Globalization;

namespace StreamingAnchor.Training;

/// <summary>
/// This process's memory as Linux reports it in /proc/self/status: the resident-set high-water mark (VmHWM, resettable by
/// writing 5 to /proc/self/clear_refs), and the resident set split into anonymous memory (heaps, tensors: what the process
/// holds) and file-backed pages (mapped files and libraries, which the kernel can drop and re-read). Elsewhere the
/// working set stands in for every figure.
/// </summary>
public static class ProcessMemory
{
    /// <summary>Resets the high-water mark; false where the kernel does not allow it (then it is the process peak so far).</summary>
    public static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>VmHWM: the most resident memory since start or the last reset, bytes.</summary>
    public static long PeakResident() => Field("VmHWM:") ?? Environment.WorkingSet;

    /// <summary>RssAnon: resident anonymous memory now, bytes.</summary>
    public static long ResidentAnonymous() => Field("RssAnon:") ?? Environment.WorkingSet;

    /// <summary>RssFile: resident file-backed pages now (mapped feature stores among them), bytes.</summary>
    public static long ResidentFile() => Field("RssFile:") ?? 0;

    private static long? Field(string name)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(name, StringComparison.Ordinal))
                {
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // not Linux: the caller falls back
        }
        return null;
    }
}
