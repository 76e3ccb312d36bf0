namespace StreamingAnchor.Tests;

/// <summary>
/// Progress&lt;T&gt; posts to the thread pool; tests need the callback inline, on the reporting thread. Reports from
/// parallel workers (feature loading) take turns.
/// </summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
