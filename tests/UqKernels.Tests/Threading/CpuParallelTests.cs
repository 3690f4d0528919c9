using UqKernels.Cpu;

namespace UqKernels.Tests.Threading;

/// <summary>
/// <see cref="CpuParallel.ForRowRanges"/> on the <see cref="CpuTeam"/> and on its thread-pool fallback: every row once,
/// exceptions back on the caller, loops inside loops and loops from several threads at once.
/// </summary>
public sealed class CpuParallelTests
{
    // Work above the serial threshold (2^16 elements), so these loops run in parallel on a machine with 2+ cores.
    private const long ElementsPerRow = 1 << 12;

    [Theory]
    [InlineData(17)]
    [InlineData(100)]
    [InlineData(1001)]
    public void EveryRowOnce(int rows)
    {
        int[] visits = new int[rows];
        CpuParallel.ForRowRanges(rows, ElementsPerRow, (start, end) =>
        {
            for (int row = start; row < end; row++)
            {
                Interlocked.Increment(ref visits[row]);
            }
        });

        Assert.All(visits, count => Assert.Equal(1, count));
    }

    [Fact]
    public void FirstExceptionReachesTheCallerAndTheTeamStaysUsable()
    {
        var thrown = Assert.Throws<InvalidOperationException>(() =>
            CpuParallel.ForRowRanges(64, ElementsPerRow, (start, _) =>
            {
                if (start == 0)
                {
                    throw new InvalidOperationException("chunk at row 0");
                }
            }));
        Assert.Equal("chunk at row 0", thrown.Message);

        EveryRowOnce(257);
    }

    [Fact]
    public void LoopInsideALoop()
    {
        const int Outer = 8, Inner = 50;
        int[] visits = new int[Outer * Inner];
        CpuParallel.ForRowRanges(Outer, ElementsPerRow * Inner, (start, end) =>
        {
            for (int outer = start; outer < end; outer++)
            {
                int row = outer;
                CpuParallel.ForRowRanges(Inner, ElementsPerRow, (innerStart, innerEnd) =>
                {
                    for (int inner = innerStart; inner < innerEnd; inner++)
                    {
                        Interlocked.Increment(ref visits[(row * Inner) + inner]);
                    }
                });
            }
        });

        Assert.All(visits, count => Assert.Equal(1, count));
    }

    [Fact]
    public void LoopsFromSeveralThreadsAtOnce()
    {
        const int Callers = 4, Rounds = 25, Rows = 200;
        long[] sums = new long[Callers];
        Parallel.For(0, Callers, new ParallelOptions { MaxDegreeOfParallelism = Callers }, caller =>
        {
            for (int round = 0; round < Rounds; round++)
            {
                CpuParallel.ForRowRanges(Rows, ElementsPerRow, (start, end) =>
                {
                    long partial = 0;
                    for (int row = start; row < end; row++)
                    {
                        partial += row + 1;
                    }

                    Interlocked.Add(ref sums[caller], partial);
                });
            }
        });

        Assert.All(sums, sum => Assert.Equal(Rounds * (Rows * (Rows + 1L) / 2), sum));
    }
}
