using System.Runtime.ExceptionServices;
using TorchSharp;

namespace StreamingAnchor.Training;

/// <summary>
/// Dedicated OS threads for data-parallel replicas: <see cref="Run"/> runs work(0) on the calling thread and work(i)
/// on worker i for i = 1..N-1, and returns when all are done. Each worker is the same OS thread for its whole life and
/// runs libtorch with one intra-op thread, so replica i always computes on the same thread with the same settings;
/// thread-pool threads would let two shards land on one thread and would carry whatever thread count they last had.
/// </summary>
internal sealed class ReplicaWorkers : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _done;
    private readonly Exception?[] _errors;
    private Action<int>? _work;
    private volatile bool _stopping;

    /// <param name="count">N, the number of replicas including the calling thread's.</param>
    public ReplicaWorkers(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
        _threads = new Thread[count - 1];
        _start = new SemaphoreSlim[count - 1];
        _errors = new Exception?[count];
        _done = new CountdownEvent(1);
        for (var i = 0; i < _threads.Length; i++)
        {
            var index = i + 1;
            _start[i] = new SemaphoreSlim(0);
            _threads[i] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"sal replica {index}" };
            _threads[i].Start();
        }
    }

    public int Count { get; }

    /// <summary>Runs work(i) for every replica i at once; rethrows the failure of the lowest-numbered replica.</summary>
    public void Run(Action<int> work)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        Array.Clear(_errors);
        _work = work;
        _done.Reset(_threads.Length);
        foreach (var start in _start)
        {
            start.Release();
        }
        try
        {
            work(0);
        }
        catch (Exception e)
        {
            _errors[0] = e;
        }
        // Wait for every worker even when replica 0 failed: none may still be touching its model when this returns.
        _done.Wait();
        _work = null;
        if (_errors.FirstOrDefault(e => e is not null) is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }

    private void Loop(int index)
    {
        torch.set_num_threads(1);
        while (true)
        {
            _start[index - 1].Wait();
            if (_stopping)
            {
                return;
            }
            try
            {
                _work!(index);
            }
            catch (Exception e)
            {
                _errors[index] = e;
            }
            _done.Signal();
        }
    }

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }
        _stopping = true;
        foreach (var start in _start)
        {
            start.Release();
        }
        foreach (var thread in _threads)
        {
            thread.Join();
        }
        foreach (var start in _start)
        {
            start.Dispose();
        }
        _done.Dispose();
    }
}
