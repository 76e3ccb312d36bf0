using System.Diagnostics;

namespace StreamingAnchor.Tests.Cluster;

/// <summary>
/// A private single-node Slurm started by scripts/slurm-local.sh in a folder of its own, and `sal` run against it
/// (SLURM_CONF is set for the child processes only, so other tests never see this cluster). <see cref="Problem"/> holds
/// the script's own error output where the daemons could not start; Dispose stops exactly the daemons it started.
/// </summary>
public sealed class LocalSlurm : IDisposable
{
    private readonly string _script;
    private readonly string _dir;
    private bool _started;

    private LocalSlurm(string script, string dir)
    {
        _script = script;
        _dir = dir;
    }

    public string? Problem { get; private set; }

    public string Config => Path.Combine(_dir, "slurm.conf");

    public static LocalSlurm Start(string dir)
    {
        var script = FindScript();
        var cluster = new LocalSlurm(script ?? "", dir);
        if (script is null)
        {
            cluster.Problem = "scripts/slurm-local.sh not found above " + AppContext.BaseDirectory;
            return cluster;
        }
        if (Environment.UserName != "root")
        {
            cluster.Problem = $"the local Slurm daemons need root (running as {Environment.UserName})";
            return cluster;
        }
        var (code, _, stderr) = Run("bash", [script, "start", dir], null, TimeSpan.FromSeconds(90));
        // Even a failed start may have left a daemon up; stop is by pid file, so it is always safe.
        cluster._started = true;
        if (code != 0)
        {
            cluster.Problem = $"scripts/slurm-local.sh start failed (exit {code}): {stderr.Trim()}";
        }
        return cluster;
    }

    /// <summary>Runs this build's `sal` against the cluster.</summary>
    public (int ExitCode, string Stdout, string Stderr) Sal(params string[] args) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "sal.dll"), .. args], Config, TimeSpan.FromSeconds(120));

    public void Dispose()
    {
        if (_started)
        {
            Run("bash", [_script, "stop", _dir], null, TimeSpan.FromSeconds(60));
            _started = false;
        }
    }

    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "scripts", "slurm-local.sh");
            if (File.Exists(path))
            {
                return path;
            }
        }
        return null;
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string program, IReadOnlyList<string> args, string? slurmConf, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        if (slurmConf is not null)
        {
            info.Environment["SLURM_CONF"] = slurmConf;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:0} s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
