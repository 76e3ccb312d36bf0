using System.Diagnostics;

namespace StreamingAnchor.Tests.Data;

/// <summary>Runs the real `sal` CLI (copied beside the tests by the project reference) as a user or a shell pipe would.</summary>
internal static class SalProcess
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => RunWithInput(null, args);

    /// <summary>Runs sal feeding <paramref name="stdin"/> (when given) to its standard input.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunWithInput(byte[]? stdin, params string[] args) => Run(stdin, [], args);

    /// <summary>Runs sal with <paramref name="stdin"/> (when given) on its standard input and extra environment variables.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(byte[]? stdin, (string Name, string Value)[] environment, params string[] args) =>
        Run(stdin, environment, 180, args);

    /// <summary>Runs sal with a time limit of its own: whole pipelines (`sal recipe`) outlast the usual 180 s when the suite loads the cores.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(int timeoutSeconds, params string[] args) => Run(null, [], timeoutSeconds, args);

    private static (int ExitCode, string Stdout, string Stderr) Run(byte[]? stdin, (string Name, string Value)[] environment, int timeoutSeconds, string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "sal.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            try
            {
                process.StandardInput.BaseStream.Write(stdin);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // sal may refuse the input before reading all of it; its exit code and stderr say why.
            }
        }
        // Generous: exports and conformance runs take tens of seconds on a loaded 2-core machine.
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sal {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The non-empty lines of an error stream: a refusal must be exactly one.</summary>
    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
