using ILGPU;

namespace UqKernels.Kernels.Ranking;

/// <summary>One pass of <see cref="RankingRadixKernel"/>'s LSD radix sort.</summary>
public struct RankingRadixPass
{
    /// <summary>Elements to sort.</summary>
    public int Count;

    /// <summary>Elements per group tile (a multiple of the group size).</summary>
    public int Tile;

    /// <summary>Number of tiles (= groups).</summary>
    public int Groups;

    /// <summary>Bit position of this pass's digit.</summary>
    public int Shift;

    /// <summary>1 when the digit comes from the tags (segment id of 64-bit keys), 0 for the items.</summary>
    public int FromTags;
}

/// <summary>
/// A stable LSD radix sort with 8-bit digits (256 buckets) over uint64 items, optionally carrying (and sorting by) a
/// uint32 tag: wide digits need ⌈bits/8⌉ passes where ILGPU.Algorithms' sort needs one per 2–4 bits (uq_metrics.md
/// §2.1). Each pass is <see cref="Histogram"/> (per-tile bucket counts, bucket-major), an exclusive scan of the counts
/// (host-launched), and <see cref="Scatter"/>. Thread t of a tile's group owns the contiguous run
/// <c>[tile + t·K, tile + (t+1)·K)</c> and a private counter per bucket in shared memory (<c>Buckets × groupSize</c>
/// ints, so the group is at most <see cref="MaxGroupSize"/>): it counts its run, the group turns the counters into
/// bucket-major, thread-minor offsets, and it writes its run in order — stable, free of atomics and deterministic, with
/// two barriers per tile (simulated groups on ILGPU's CPU accelerator pay per barrier).
/// </summary>
public static class RankingRadixKernel
{
    /// <summary>Bits per digit.</summary>
    public const int DigitBits = 8;

    /// <summary>Buckets per digit.</summary>
    public const int Buckets = 1 << DigitBits;

    /// <summary>Largest group size: the shared counters take <c>Buckets × 32 × 4 B = 32 KiB</c>.</summary>
    public const int MaxGroupSize = 32;

    private static int Digit(ArrayView<ulong> items, ArrayView<uint> tags, long index, RankingRadixPass pass) =>
        pass.FromTags != 0
            ? (int)((tags[index] >> pass.Shift) & (Buckets - 1))
            : (int)((items[index] >> pass.Shift) & (Buckets - 1));

    /// <summary>Counts this thread's run of the tile into its private column <c>counters[bucket·groupSize + thread]</c>.</summary>
    private static void CountRun(
        ArrayView<ulong> items, ArrayView<uint> tags, RankingRadixPass pass, ArrayView<int> counters, long start, long end)
    {
        int thread = Group.IdxX;
        int size = Group.DimX;
        for (int b = 0; b < Buckets; b++)
        {
            counters[(b * size) + thread] = 0;
        }

        for (long i = start; i < end; i++)
        {
            counters[(Digit(items, tags, i, pass) * size) + thread]++;
        }
    }

    private static (long Start, long End) Run(RankingRadixPass pass, int group)
    {
        int run = pass.Tile / Group.DimX;
        long start = ((long)group * pass.Tile) + ((long)Group.IdxX * run);
        long end = start + run;
        start = start < pass.Count ? start : pass.Count;
        end = end < pass.Count ? end : pass.Count;
        return (start, end);
    }

    /// <summary>Explicitly grouped: group g counts the digits of tile g into <c>histogram[bucket·Groups + g]</c>.</summary>
    /// <param name="items">The items.</param>
    /// <param name="tags">The tags, or empty.</param>
    /// <param name="pass">The pass.</param>
    /// <param name="histogram"><c>[Buckets·Groups]</c> counts.</param>
    public static void Histogram(ArrayView<ulong> items, ArrayView<uint> tags, RankingRadixPass pass, ArrayView<int> histogram)
    {
        ArrayView<int> counters = SharedMemory.Allocate<int>(Buckets * MaxGroupSize);
        int group = Grid.IdxX;
        int size = Group.DimX;
        (long start, long end) = Run(pass, group);
        CountRun(items, tags, pass, counters, start, end);
        Group.Barrier();
        for (int b = Group.IdxX; b < Buckets; b += size)
        {
            int total = 0;
            for (int t = 0; t < size; t++)
            {
                total += counters[(b * size) + t];
            }

            histogram[((long)b * pass.Groups) + group] = total;
        }
    }

    /// <summary>
    /// Explicitly grouped: group g moves tile g's elements to <c>offsets[bucket·Groups + g]</c> onwards; inside a bucket,
    /// thread t's run follows the runs of threads &lt; t, each in its own order (stable).
    /// </summary>
    /// <param name="items">Source items.</param>
    /// <param name="tags">Source tags, or empty.</param>
    /// <param name="itemsOut">Destination items.</param>
    /// <param name="tagsOut">Destination tags, or empty.</param>
    /// <param name="pass">The pass.</param>
    /// <param name="offsets">The exclusive scan of <see cref="Histogram"/>'s counts.</param>
    public static void Scatter(
        ArrayView<ulong> items,
        ArrayView<uint> tags,
        ArrayView<ulong> itemsOut,
        ArrayView<uint> tagsOut,
        RankingRadixPass pass,
        ArrayView<int> offsets)
    {
        ArrayView<int> counters = SharedMemory.Allocate<int>(Buckets * MaxGroupSize);
        int group = Grid.IdxX;
        int thread = Group.IdxX;
        int size = Group.DimX;
        (long start, long end) = Run(pass, group);
        CountRun(items, tags, pass, counters, start, end);
        Group.Barrier();
        for (int b = thread; b < Buckets; b += size)
        {
            int running = offsets[((long)b * pass.Groups) + group];
            for (int t = 0; t < size; t++)
            {
                int count = counters[(b * size) + t];
                counters[(b * size) + t] = running;
                running += count;
            }
        }

        Group.Barrier();
        bool withTags = tags.Length > 0;
        for (long i = start; i < end; i++)
        {
            int slot = (Digit(items, tags, i, pass) * size) + thread;
            int position = counters[slot];
            counters[slot] = position + 1;
            itemsOut[position] = items[i];
            if (withTags)
            {
                tagsOut[position] = tags[i];
            }
        }
    }
}
