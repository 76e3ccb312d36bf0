using System.Diagnostics;
using System.Runtime.InteropServices;

namespace StreamingAnchor;

/// <summary>
/// CPU time consumed by the calling thread. On a shared machine wall time counts the waits for a core; the
/// thread's own CPU time is the cost of the work, which is what a per-frame budget on a device is about.
/// </summary>
public static class ThreadCpuClock
{
    private const int ClockThreadCpuTime = 3;

    public static bool Available { get; } = OperatingSystem.IsLinux() && Probe();

    /// <summary>Seconds of CPU time of this thread (process CPU time where the thread clock is unavailable).</summary>
    public static double Now()
    {
        if (Available && ClockGetTime(ClockThreadCpuTime, out var ts) == 0)
        {
            return ts.Seconds + (ts.Nanoseconds * 1e-9);
        }

        return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    }

    private static bool Probe()
    {
        try
        {
            return ClockGetTime(ClockThreadCpuTime, out _) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
