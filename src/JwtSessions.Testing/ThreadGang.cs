using System.Collections.Concurrent;

namespace JwtSessions.Testing;

/// <summary>
/// A fixed set of dedicated threads that run rounds of work released together by a barrier, for races that need real
/// parallelism. The threads are reused across rounds, so many repetitions stay cheap.
/// </summary>
/// <threadsafety>Drive it from one thread; <see cref="Run{T}"/> returns once every thread has finished the round.</threadsafety>
internal sealed class ThreadGang : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(1);

    private readonly Barrier _barrier;
    private readonly Thread[] _threads;
    private readonly ConcurrentQueue<Exception> _errors = new();
    private Action<int>? _work;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="ThreadGang"/> class and starts its threads.</summary>
    /// <param name="size">The number of threads; at least 2.</param>
    public ThreadGang(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        _barrier = new Barrier(size + 1);
        _threads = new Thread[size];
        for (var i = 0; i < size; i++)
        {
            var index = i;
            _threads[i] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"gang-{index}" };
            _threads[i].Start();
        }
    }

    /// <summary>Gets the number of threads.</summary>
    public int Size => _threads.Length;

    /// <summary>Runs <paramref name="work"/> once on every thread, all released at the same moment, and returns the results by thread index.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="work">The work of thread <c>i</c>.</param>
    /// <returns>The results.</returns>
    /// <exception cref="AggregateException">A thread's work threw.</exception>
    /// <exception cref="TimeoutException">The round did not finish within a minute (a deadlock).</exception>
    public T[] Run<T>(Func<int, T> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var results = new T[_threads.Length];
        _work = i => results[i] = work(i);
        Phase();
        Phase();
        _work = null;
        if (!_errors.IsEmpty)
        {
            var errors = _errors.ToArray();
            _errors.Clear();
            throw new AggregateException("A concurrent caller failed.", errors);
        }

        return results;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _work = null;
        if (_barrier.SignalAndWait(s_timeout))
        {
            foreach (var thread in _threads)
            {
                thread.Join(s_timeout);
            }
        }

        _barrier.Dispose();
    }

    private void Phase()
    {
        if (!_barrier.SignalAndWait(s_timeout))
        {
            throw new TimeoutException("The threads did not finish the round in time: deadlock?");
        }
    }

    private void Loop(int index)
    {
        while (true)
        {
            _barrier.SignalAndWait();
            var work = _work;
            if (work is null)
            {
                return;
            }

            try
            {
                work(index);
            }
#pragma warning disable CA1031 // Any failure is reported to the driving thread.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _errors.Enqueue(ex);
            }

            _barrier.SignalAndWait();
        }
    }
}
