using System.Diagnostics;

namespace StreamingAnchor.Training;

/// <summary>
/// A competing CPU-bound process (a shell busy loop) that a benchmark starts and stops itself, so "busy machine"
/// means the same thing in every run: one more runnable process than the benchmark's own threads.
/// </summary>
public sealed class CpuSpinner : IDisposable
{
    private readonly Process _process;

    private CpuSpinner(Process process) => _process = process;

    public static CpuSpinner Start()
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("while :; do :; done");
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the competing /bin/sh busy loop");
        return new CpuSpinner(process);
    }

    public int ProcessId => _process.Id;

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }
}
