using Spectre.Console;

namespace StreamingAnchor.Cli;

/// <summary>Progress for long library calls: a Spectre bar on a terminal, a line every 10% when output is redirected.</summary>
internal static class CliProgress
{
    /// <summary>
    /// Runs <paramref name="work"/> with a progress sink. Redirected, totals below <paramref name="quietBelow"/> print
    /// nothing: a few hundred cheap items finish before a line would help, while callers whose items each take seconds
    /// (streams scored by a peer) pass 0.
    /// </summary>
    public static T Run<T>(string label, Func<IProgress<(int Done, int Total)>, T> work, int quietBelow = 1000)
    {
        if (Console.IsOutputRedirected || Console.IsErrorRedirected)
        {
            var lastDecile = -1;
            return work(new SyncProgress(p =>
            {
                if (p.Total < quietBelow || p.Total == 0)
                {
                    return;
                }
                var decile = (int)(10L * p.Done / p.Total);
                if (decile != lastDecile)
                {
                    lastDecile = decile;
                    Console.Error.WriteLine($"{label}: {p.Done}/{p.Total}");
                }
            }));
        }
        T result = default!;
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask(Markup.Escape(label));
            result = work(new SyncProgress(p =>
            {
                task.MaxValue = Math.Max(1, p.Total);
                task.Value = p.Done;
            }));
        });
        return result;
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and reorder updates).</summary>
    private sealed class SyncProgress(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        private readonly Lock _gate = new();

        public void Report((int Done, int Total) value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }
}
