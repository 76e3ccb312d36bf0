using System.Diagnostics;

namespace StreamingAnchor;

/// <summary>Runs the external audio tools (espeak-ng, flite, festival, sox, ffmpeg, apt-get) and captures their output.</summary>
public static class ToolRunner
{
    /// <summary>Result of a finished tool run.</summary>
    public sealed record ToolResult(int ExitCode, byte[] Stdout, string Stderr)
    {
        public string StdoutText => System.Text.Encoding.UTF8.GetString(Stdout);
    }

    /// <summary>True when <paramref name="tool"/> is found on PATH.</summary>
    public static bool Exists(string tool)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, tool)));
    }

    /// <summary>Runs a tool; stdin (if any) is streamed while stdout is read, so large pipes cannot deadlock.</summary>
    public static ToolResult Run(string tool, IEnumerable<string> args, byte[]? stdin = null, string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        info.Environment["LC_ALL"] = "C";
        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SynthesisException($"{tool}: cannot start ({ex.Message})", ex);
        }
        using var registration = cancellationToken.Register(() =>
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        });
        var stdoutTask = Task.Run(() =>
        {
            using var ms = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(ms);
            return ms.ToArray();
        });
        var stderrTask = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            try
            {
                process.StandardInput.BaseStream.Write(stdin);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The tool exited early; its exit code and stderr say why.
            }
        }
        process.WaitForExit();
        var stdout = stdoutTask.GetAwaiter().GetResult();
        var stderr = stderrTask.GetAwaiter().GetResult();
        cancellationToken.ThrowIfCancellationRequested();
        return new ToolResult(process.ExitCode, stdout, stderr);
    }

    /// <summary>Runs a tool and throws a one-line <see cref="SynthesisException"/> when it fails.</summary>
    public static ToolResult RunChecked(string tool, IEnumerable<string> args, byte[]? stdin = null, string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var result = Run(tool, args, stdin, workingDirectory, cancellationToken);
        if (result.ExitCode != 0)
        {
            var firstLine = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault() ?? "no error output";
            throw new SynthesisException($"{tool}: exited with code {result.ExitCode}: {firstLine}");
        }
        return result;
    }
}
