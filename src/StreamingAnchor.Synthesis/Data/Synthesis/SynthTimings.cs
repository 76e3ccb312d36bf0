using System.Diagnostics;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Where a generation run spent its time, for <c>sal bench synth</c>: wall seconds of the serial stages (sources, plan,
/// TTS, the parallel render loop as a whole) and worker seconds summed over the render loop's workers, split into
/// rendering (TTS cache and source reads, mixing, sox effects) and writing (WAV, stream, digests, sidecar). Also how
/// often an utterance was reused: requests against distinct utterances and those synthesised in this run.
/// </summary>
public sealed class SynthTimings
{
    private long renderTicks;
    private long writeTicks;

    public double SourcesSeconds { get; internal set; }
    public double PlanSeconds { get; internal set; }
    public double TtsSeconds { get; internal set; }
    public double RenderLoopSeconds { get; internal set; }

    /// <summary>
    /// CPU seconds (user + system, this process and its finished children: espeak, sox, ffmpeg) per stage. On a shared
    /// machine wall time follows the load; CPU time is what the stage would need alone.
    /// </summary>
    public double SourcesCpu { get; internal set; }
    public double PlanCpu { get; internal set; }
    public double TtsCpu { get; internal set; }
    public double RenderLoopCpu { get; internal set; }

    /// <summary>CPU seconds used so far by this process and its waited-for children, from /proc/self/stat; NaN elsewhere.</summary>
    public static double ProcessCpuSeconds()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            // Fields after the command name (which may hold spaces, so split after its closing parenthesis):
            // utime, stime, cutime, cstime are fields 14-17, i.e. 11-14 after the state field.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = fields.Skip(11).Take(4).Sum(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture));
            return ticks / 100.0; // USER_HZ is 100 on Linux
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    public double RenderWorkerSeconds => (double)Interlocked.Read(ref renderTicks) / Stopwatch.Frequency;
    public double WriteWorkerSeconds => (double)Interlocked.Read(ref writeTicks) / Stopwatch.Frequency;

    /// <summary>Speech items planned with TTS, the distinct utterances among them, and those synthesised in this run.</summary>
    public int TtsRequests { get; internal set; }
    public int TtsDistinct { get; internal set; }
    public int TtsSynthesised { get; internal set; }

    internal void AddRender(long stopwatchTicks) => Interlocked.Add(ref renderTicks, stopwatchTicks);
    internal void AddWrite(long stopwatchTicks) => Interlocked.Add(ref writeTicks, stopwatchTicks);
}
