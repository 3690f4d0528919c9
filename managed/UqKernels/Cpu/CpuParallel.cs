namespace UqKernels.Cpu;

/// <summary>Row-chunked parallel loops for the managed SIMD backend.</summary>
internal static class CpuParallel
{
    /// <summary>Below this many elements of work a call runs on the calling thread (thread hand-off costs more).</summary>
    private const long SerialThreshold = 1 << 16;

    /// <summary>
    /// Runs <paramref name="body"/> over contiguous row ranges <c>[start, end)</c> covering <c>[0, rows)</c>, in
    /// parallel when the work (<paramref name="rows"/> × <paramref name="elementsPerRow"/>) is large enough.
    /// Chunks are a few per core so uneven rows still balance.
    /// </summary>
    public static void ForRowRanges(int rows, long elementsPerRow, Action<int, int> body)
    {
        if (rows * elementsPerRow <= SerialThreshold || Environment.ProcessorCount == 1)
        {
            body(0, rows);
            return;
        }

        int chunks = Math.Min(rows, Environment.ProcessorCount * 8);
        Parallel.For(0, chunks, chunk =>
        {
            int start = (int)((long)rows * chunk / chunks);
            int end = (int)((long)rows * (chunk + 1) / chunks);
            body(start, end);
        });
    }
}
