namespace UqKernels.Cpu;

/// <summary>Row-chunked parallel loops for the managed SIMD backend.</summary>
internal static class CpuParallel
{
    /// <summary>Below this many elements of work a call runs on the calling thread (thread hand-off costs more).</summary>
    private const long SerialThreshold = 1 << 16;

    /// <summary>
    /// Runs <paramref name="body"/> over contiguous row ranges <c>[start, end)</c> covering <c>[0, rows)</c>, in
    /// parallel when the work (<paramref name="rows"/> × <paramref name="elementsPerRow"/>) is large enough: on the
    /// <see cref="CpuTeam"/>, or, while that is busy with another loop, on the thread pool with at most one thread per
    /// core (more threads than cores only take turns, and each switch disturbs the other's prefetched rows).
    /// Chunks are a few per core so uneven rows still balance.
    /// </summary>
    public static void ForRowRanges(int rows, long elementsPerRow, Action<int, int> body)
    {
        int cores = Environment.ProcessorCount;
        if (rows * elementsPerRow <= SerialThreshold || cores == 1)
        {
            body(0, rows);
            return;
        }

        int chunks = Math.Min(rows, cores * 8);
        void Chunk(int chunk) => body((int)((long)rows * chunk / chunks), (int)((long)rows * (chunk + 1) / chunks));
        if (!CpuTeam.TryRun(chunks, Chunk))
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = cores }, Chunk);
        }
    }
}
