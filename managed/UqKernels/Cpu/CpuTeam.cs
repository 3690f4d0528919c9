using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace UqKernels.Cpu;

/// <summary>
/// <see cref="Environment.ProcessorCount"/> − 1 background threads that run the chunks of one parallel loop at a time
/// together with the calling thread, and spin for <see cref="SpinMilliseconds"/> after each loop before they block.
/// </summary>
/// <remarks>
/// <para>
/// Why not <c>Parallel.For</c>: on a virtual machine a thread-pool worker that has gone to sleep between two calls can
/// take milliseconds to run again (the host reschedules the idle virtual CPU). Timestamps of each chunk of the
/// 50,000 × 1,000 single-model pass on the 2-core CI machine showed the worker starting 1.7–3.0 ms after the caller in
/// 4 of 8 calls of ~12 ms, and once the caller waking 4 ms after the last chunk had ended. Kept spinning, the worker
/// starts within 0.05 ms. OpenMP runtimes spin for the same reason.
/// </para>
/// <para>
/// One loop at a time: a loop started while the team is busy (another thread's loop, or a loop inside a chunk) returns
/// false from <see cref="TryRun"/> and its caller runs it another way. Chunks are claimed one at a time from a shared
/// counter, so a slow thread takes fewer. The caller returns only after every chunk has finished, so a chunk may use
/// memory the caller has pinned; the first exception a chunk throws is rethrown on the caller, and chunks not yet
/// started are then skipped.
/// </para>
/// </remarks>
internal sealed class CpuTeam
{
    /// <summary>
    /// How long an idle thread (a worker waiting for the next loop, or the caller waiting for the last chunk) spins before
    /// it blocks: long enough to bridge back-to-back kernel calls, short enough that an idle process gives its cores back
    /// within a few milliseconds. Longer did not help: a caller spinning up to as long as it had run chunks itself measured
    /// 0.6 ms slower at the median in two sittings (of ~13 ms), and 0 to 20 ms for both were within the noise.
    /// </summary>
    private const int SpinMilliseconds = 2;

    private static readonly long SpinTicks = Stopwatch.Frequency * SpinMilliseconds / 1000;

    private static readonly Lazy<CpuTeam> Shared = new(() => new CpuTeam(Environment.ProcessorCount - 1));

    private readonly object gate = new();
    private Loop? current;
    private int generation;
    private int busy;

    private CpuTeam(int workers)
    {
        for (int index = 0; index < workers; index++)
        {
            new Thread(Work) { IsBackground = true, Name = $"UqKernels CPU worker {index + 1}" }.Start();
        }
    }

    /// <summary>
    /// Runs <c><paramref name="body"/>(chunk)</c> for every chunk in <c>[0, <paramref name="chunks"/>)</c> on the calling
    /// thread and the team, or returns false without running any when the team is busy.
    /// </summary>
    public static bool TryRun(int chunks, Action<int> body) => Shared.Value.TryRunLoop(chunks, body);

    private bool TryRunLoop(int chunks, Action<int> body)
    {
        if (Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            return false;
        }

        try
        {
            var loop = new Loop(chunks, body);
            lock (gate)
            {
                current = loop;
                generation++;
                Monitor.PulseAll(gate);
            }

            loop.RunChunks();
            loop.WaitForChunks();
            lock (gate)
            {
                // Workers that wake late find no loop rather than keeping this one (and its body) alive.
                current = null;
            }

            loop.Error?.Throw();
            return true;
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    private void Work()
    {
        int seen = 0;
        while (true)
        {
            Loop? loop = WaitForLoop(ref seen);
            loop?.RunChunks();
        }
    }

    /// <summary>Spins until a loop newer than <paramref name="seen"/> is published, then blocks; returns that loop.</summary>
    private Loop? WaitForLoop(ref int seen)
    {
        long start = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref generation) == seen && Stopwatch.GetTimestamp() - start < SpinTicks)
        {
            Thread.SpinWait(16);
        }

        lock (gate)
        {
            while (generation == seen)
            {
                Monitor.Wait(gate);
            }

            seen = generation;
            return current;
        }
    }

    /// <summary>One loop's chunk counters, its body and the first exception it threw.</summary>
    private sealed class Loop(int chunks, Action<int> body)
    {
        private readonly object finished = new();
        private readonly int count = chunks;
        private int next;
        private int remaining = chunks;
        private int failed;

        public ExceptionDispatchInfo? Error { get; private set; }

        /// <summary>Claims and runs chunks until none is left.</summary>
        public void RunChunks()
        {
            for (int chunk = Interlocked.Increment(ref next) - 1; chunk < count; chunk = Interlocked.Increment(ref next) - 1)
            {
                try
                {
                    if (Volatile.Read(ref failed) == 0)
                    {
                        body(chunk);
                    }
                }
                catch (Exception exception)
                {
                    if (Interlocked.Exchange(ref failed, 1) == 0)
                    {
                        Error = ExceptionDispatchInfo.Capture(exception);
                    }
                }
                finally
                {
                    if (Interlocked.Decrement(ref remaining) == 0)
                    {
                        lock (finished)
                        {
                            Monitor.PulseAll(finished);
                        }
                    }
                }
            }
        }

        /// <summary>Waits until every chunk has finished: spins first, then blocks.</summary>
        public void WaitForChunks()
        {
            long start = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref remaining) != 0 && Stopwatch.GetTimestamp() - start < SpinTicks)
            {
                Thread.SpinWait(16);
            }

            lock (finished)
            {
                while (Volatile.Read(ref remaining) != 0)
                {
                    Monitor.Wait(finished);
                }
            }
        }
    }
}
