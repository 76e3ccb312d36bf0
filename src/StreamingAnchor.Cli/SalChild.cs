using System.Diagnostics;

namespace StreamingAnchor.Cli;

/// <summary>
/// Runs this same `sal` in a child process and returns its standard output lines (its stderr goes to ours). Benchmarks
/// use it for what one process cannot measure twice: a setting libtorch reads once at load (OpenMP wait policy), or a
/// memory high-water mark per configuration.
/// </summary>
internal static class SalChild
{
    public static string[] Run(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            info.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        using var child = Process.Start(info) ?? throw new InvalidOperationException("could not start a sal child process");
        var lines = child.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"the child process failed (exit {child.ExitCode})");
        }
        return lines;
    }
}
