namespace JwtSessions.Benchmarks;

/// <summary>
/// A fixed set of worker threads, started once, that each run their share of one invocation and then wait for the next:
/// starting threads per invocation would add their start-up to every case.
/// </summary>
internal sealed class WorkerGang : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _done;
    private Action<int> _work = static _ => { };
    private volatile bool _stopping;

    public WorkerGang(int count)
    {
        _threads = new Thread[count];
        _start = new SemaphoreSlim[count];
        _done = new CountdownEvent(count);
        for (var i = 0; i < count; i++)
        {
            var index = i;
            _start[i] = new SemaphoreSlim(0);
            _threads[i] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"bench-worker-{index}" };
            _threads[i].Start();
        }
    }

    /// <summary>Runs <paramref name="work"/> on every worker at once (with the worker's index) and returns when all are done.</summary>
    /// <returns>The number of workers.</returns>
    public int Run(Action<int> work)
    {
        _work = work;
        _done.Reset();
        foreach (var start in _start)
        {
            start.Release();
        }

        _done.Wait();
        return _threads.Length;
    }

    public void Dispose()
    {
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

    private void Loop(int index)
    {
        while (true)
        {
            _start[index].Wait();
            if (_stopping)
            {
                return;
            }

            _work(index);
            _done.Signal();
        }
    }
}
