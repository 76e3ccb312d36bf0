namespace StreamingAnchor.Cli;

/// <summary>The load average benchmarks print beside their numbers (timings on a shared machine mean little without it).</summary>
internal static class MachineLoad
{
    /// <summary>The 1, 5 and 15 minute load averages, or n/a off Linux.</summary>
    public static string Average()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
