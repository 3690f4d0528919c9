using System.Numerics;
using System.Runtime.InteropServices;
using UqKernels.Kernels.Ranking;

namespace UqKernels;

/// <summary>
/// The stable ascending order of a value vector, used by the selective-prediction metrics and the rank correlations
/// (uq_metrics.md §2.1, §2.5, §2.7): NaN elements are left out, ties keep index order (what <c>np.argsort(kind='stable')</c>
/// returns), and −0 ties +0.
/// </summary>
internal static class SelectiveOrder
{
    /// <summary>
    /// Indices of the non-NaN elements of <paramref name="values"/>, sorted ascending by value with ties in index order.
    /// f32: one LSD radix sort of <c>(key &lt;&lt; b) | index</c> (b = index bits) over <c>32 + b</c> bits; f64: a
    /// comparison sort of (key, index) pairs.
    /// </summary>
    public static int[] Ascending<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return Ascending(MemoryMarshal.Cast<T, float>(values));
        }

        if (typeof(T) == typeof(double))
        {
            return Ascending(MemoryMarshal.Cast<T, double>(values));
        }

        throw new NotSupportedException($"{typeof(T).Name} values are not supported; use float or double.");
    }

    private static int[] Ascending(ReadOnlySpan<float> values)
    {
        int n = values.Length;
        int indexBits = IndexBits(n);
        var packed = new ulong[n];
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            float v = values[i];
            if (!RankingKey.IsNaN(v))
            {
                packed[count++] = ((ulong)RankingKey.Key(v) << indexBits) | (uint)i;
            }
        }

        CpuRadixSort.Sort(packed.AsMemory(0, count), new ulong[count], keyBits: 32 + indexBits);
        ulong mask = (1ul << indexBits) - 1;
        var order = new int[count];
        for (int k = 0; k < count; k++)
        {
            order[k] = (int)(packed[k] & mask);
        }

        return order;
    }

    private static int[] Ascending(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        var keys = new ulong[n];
        var order = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            double v = values[i];
            if (!RankingKey.IsNaN(v))
            {
                keys[count] = RankingKey.Key(v);
                order[count++] = i;
            }
        }

        Array.Sort(keys, order, 0, count);

        // Array.Sort is not stable: restore index order inside each run of equal keys.
        int start = 0;
        while (start < count)
        {
            int end = start + 1;
            while (end < count && keys[end] == keys[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(order, start, end - start);
            }

            start = end;
        }

        Array.Resize(ref order, count);
        return order;
    }

    /// <summary>Bits needed for an index below <paramref name="n"/> (at least 1).</summary>
    private static int IndexBits(int n) => n <= 2 ? 1 : 32 - BitOperations.LeadingZeroCount((uint)(n - 1));
}
