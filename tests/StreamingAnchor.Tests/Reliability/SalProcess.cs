using System.Diagnostics;

namespace StreamingAnchor.Tests.Reliability;

/// <summary>Runs the built `sal` as a separate process, optionally feeding its standard input, as a user or a shell pipe would.</summary>
internal static class SalProcess
{
    public static (int Code, string Stdout, string Stderr) Run(byte[]? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sal.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (stdin is not null)
        {
            try
            {
                p.StandardInput.BaseStream.Write(stdin);
                p.StandardInput.Close();
            }
            catch (IOException)
            {
                // sal may refuse the input before reading all of it; its exit code and stderr say why.
            }
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The non-empty lines of an error stream: a refusal must be exactly one.</summary>
    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
