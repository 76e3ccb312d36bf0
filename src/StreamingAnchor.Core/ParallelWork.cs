using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace StreamingAnchor;

/// <summary>
/// Parallel loops that fail like plain loops: the first real cause is rethrown with its own type, message and stack,
/// instead of an AggregateException whose message is a generic sentence and whose useful line is buried inside (the
/// CLI prints only the message, and catches only the library's own exception types).
/// </summary>
public static class ParallelWork
{
    public static void For(int count, ParallelOptions options, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, options, body);
        }
        catch (AggregateException ex)
        {
            Rethrow(ex);
        }
    }

    public static void For<TLocal>(int count, ParallelOptions options, Func<TLocal> localInit,
        Func<int, ParallelLoopState, TLocal, TLocal> body, Action<TLocal> localFinally)
    {
        try
        {
            Parallel.For(0, count, options, localInit, body, localFinally);
        }
        catch (AggregateException ex)
        {
            Rethrow(ex);
        }
    }

    public static void ForEach<T>(IEnumerable<T> items, ParallelOptions options, Action<T> body)
    {
        try
        {
            Parallel.ForEach(items, options, body);
        }
        catch (AggregateException ex)
        {
            Rethrow(ex);
        }
    }

    /// <summary>
    /// The first failure that is not a cancellation (workers still running when another one failed may only report
    /// that they were stopped); nested aggregates are flattened.
    /// </summary>
    public static Exception FirstCause(AggregateException ex)
    {
        var all = ex.Flatten().InnerExceptions;
        return all.FirstOrDefault(e => e is not OperationCanceledException) ?? all.FirstOrDefault() ?? ex;
    }

    [DoesNotReturn]
    private static void Rethrow(AggregateException ex)
    {
        ExceptionDispatchInfo.Capture(FirstCause(ex)).Throw();
        throw ex; // unreachable: Throw() never returns, but the compiler cannot see that
    }
}
