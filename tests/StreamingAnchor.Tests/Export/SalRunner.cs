using System.Diagnostics;

namespace StreamingAnchor.Tests.Export;

/// <summary>Runs the real `sal` CLI as a separate process, with optional stdin bytes and environment.</summary>
internal static class SalRunner
{
    public static (int Code, string Stdout, string Stderr) Run(byte[]? stdin, (string, string)[] environment, params string[] args)
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

        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (stdin is not null)
        {
            p.StandardInput.BaseStream.Write(stdin);
            p.StandardInput.Close();
        }

        if (!p.WaitForExit(180_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"sal {string.Join(' ', args)} did not finish in 180 s");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static (int Code, string Stdout, string Stderr) Run(params string[] args) => Run(null, [], args);
}
