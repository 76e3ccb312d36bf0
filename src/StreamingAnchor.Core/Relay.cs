namespace StreamingAnchor;

/// <summary>
/// Progress reported on the calling thread: <see cref="Progress{T}"/> would post each report to the thread pool and
/// reorder them. Library code that turns one stage's progress into another's (experiments, recipes) relays through it;
/// public because those callers are in the Experiments assembly.
/// </summary>
public sealed class Relay<T>(Action<T> action) : IProgress<T>
{
    public void Report(T value) => action(value);
}
