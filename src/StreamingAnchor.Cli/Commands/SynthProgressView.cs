using Spectre.Console;
using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// Renders generator progress: Spectre progress bars on a terminal, plain throttled lines on stderr when either stream
/// is redirected, so stdout carries only results (the summary) and a pipe never mixes the two.
/// </summary>
internal static class SynthProgressView
{
    public static T Run<T>(Func<IProgress<SynthProgress>, T> work)
    {
        if (Console.IsOutputRedirected || Console.IsErrorRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var last = new Dictionary<string, int>();
            var gate = new object();
            return work(new Reporter(p =>
            {
                lock (gate)
                {
                    if (p.Stage == "warning")
                    {
                        Console.Error.WriteLine($"warning: {p.Message}");
                        return;
                    }
                    // One line per stage start, each further 10 %, and the end.
                    var step = p.Total > 0 ? p.Done * 10 / p.Total : 0;
                    if (!last.TryGetValue(p.Stage, out var previous) || step > previous || (p.Done == p.Total && previous < 10))
                    {
                        last[p.Stage] = p.Done == p.Total ? 10 : step;
                        Console.Error.WriteLine($"{p.Stage}: {p.Done}/{p.Total}{(p.Message is null ? "" : " " + p.Message)}");
                    }
                }
            }));
        }
        T result = default!;
        AnsiConsole.Progress().AutoClear(false).Start(ctx =>
        {
            var tasks = new Dictionary<string, ProgressTask>();
            var gate = new object();
            result = work(new Reporter(p =>
            {
                lock (gate)
                {
                    if (p.Stage == "warning")
                    {
                        AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {p.Message}");
                        return;
                    }
                    if (!tasks.TryGetValue(p.Stage, out var task))
                    {
                        tasks[p.Stage] = task = ctx.AddTask(p.Stage);
                    }
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                }
            }));
        });
        return result;
    }

    /// <summary>Invokes the callback synchronously on the reporting thread (Progress&lt;T&gt; would post it to the thread pool).</summary>
    private sealed class Reporter(Action<SynthProgress> report) : IProgress<SynthProgress>
    {
        public void Report(SynthProgress value) => report(value);
    }
}
