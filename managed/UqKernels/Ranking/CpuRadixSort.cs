using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace UqKernels;

/// <summary>
/// LSD radix sort of uint64 keys on the CPU (uq_metrics.md §2.1): 11-bit digits (⌈keyBits/11⌉ passes at most; a
/// 33-bit packed f32 key needs 3), the histograms of every digit built in one read of the input (or by the caller
/// while it writes the keys), and passes whose digit is the same for every key skipped. Inputs shorter than
/// <see cref="SmallThreshold"/> use a comparison sort. Large inputs are split into one contiguous chunk per core: each
/// chunk scatters its keys to offsets ordered (bucket, chunk), so the sort stays stable and its result does not depend
/// on the core count; the next digit's per-chunk histograms are counted during the scatter (no extra read per pass).
/// </summary>
internal static class CpuRadixSort
{
    /// <summary>Below this length the comparison sort is faster.</summary>
    public const int SmallThreshold = 256;

    /// <summary>Bits per digit.</summary>
    public const int DigitBits = 11;

    /// <summary>Buckets per digit (<c>2^DigitBits</c>).</summary>
    public const int Buckets = 1 << DigitBits;

    /// <summary>Below this length the sort runs on the calling thread.</summary>
    public const int ParallelThreshold = 1 << 17;

    private const ulong DigitMask = Buckets - 1;

    /// <summary>Digits of a key of <paramref name="keyBits"/> bits.</summary>
    public static int Digits(int keyBits) => (keyBits + DigitBits - 1) / DigitBits;

    /// <summary>How many chunks (cores) a parallel sort of <paramref name="n"/> keys uses (1 = serial).</summary>
    public static int ChunkCount(int n) =>
        n < ParallelThreshold ? 1 : Math.Max(1, Math.Min(Environment.ProcessorCount, n / (ParallelThreshold / 2)));

    /// <summary>The first index of chunk <paramref name="chunk"/> of <paramref name="chunks"/> over <paramref name="n"/> keys.</summary>
    public static int ChunkStart(int n, int chunk, int chunks) => (int)((long)n * chunk / chunks);

    /// <summary>
    /// Sorts <paramref name="keys"/> ascending in place; <paramref name="scratch"/> (at least as long) is overwritten.
    /// Every key must be below <c>2^keyBits</c> (bits above are ignored by the sort).
    /// </summary>
    public static void Sort(Memory<ulong> keys, Memory<ulong> scratch, int keyBits = 64)
    {
        int n = keys.Length;
        if (n < SmallThreshold)
        {
            keys.Span.Sort();
            return;
        }

        if (scratch.Length < n)
        {
            throw new ArgumentException($"scratch has {scratch.Length} elements but {n} are needed.", nameof(scratch));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(keyBits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keyBits, 64);
        int digits = Digits(keyBits);
        int chunks = ChunkCount(n);
        int[] counts = ArrayPool<int>.Shared.Rent(chunks * digits * Buckets);
        try
        {
            Memory<ulong> source = keys;
            ForChunks(chunks, n, (chunk, start, end) =>
            {
                Span<int> local = counts.AsSpan(chunk * digits * Buckets, digits * Buckets);
                local.Clear();
                Count(source.Span[start..end], local, digits);
            });
            if (chunks == 1)
            {
                SortCounted(keys.Span, scratch.Span[..n], counts.AsSpan(0, digits * Buckets), digits);
            }
            else
            {
                SortCountedParallel(keys, scratch[..n], counts, chunks, digits);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(counts);
        }
    }

    /// <summary>Adds the digit histograms (<c>digits × Buckets</c>, digit-major) of <paramref name="keys"/> to <paramref name="counts"/>.</summary>
    public static void Count(ReadOnlySpan<ulong> keys, Span<int> counts, int digits)
    {
        ref int c = ref MemoryMarshal.GetReference(counts);
        foreach (ulong key in keys)
        {
            ulong k = key;
            for (int d = 0; d < digits; d++)
            {
                Unsafe.Add(ref c, (d * Buckets) + (int)(k & DigitMask))++;
                k >>= DigitBits;
            }
        }
    }

    /// <summary>
    /// Serial LSD sort of <paramref name="keys"/> whose digit histograms (<c>digits × Buckets</c>) are
    /// <paramref name="counts"/> (overwritten with offsets). Constant digits are skipped; small inputs use a comparison sort.
    /// </summary>
    public static void SortCounted(Span<ulong> keys, Span<ulong> scratch, Span<int> counts, int digits)
    {
        int n = keys.Length;
        if (n < SmallThreshold)
        {
            keys.Sort();
            return;
        }

        Span<ulong> source = keys;
        Span<ulong> destination = scratch[..n];
        for (int d = 0; d < digits; d++)
        {
            int shift = d * DigitBits;
            Span<int> offsets = counts.Slice(d * Buckets, Buckets);
            if (offsets[(int)((source[0] >> shift) & DigitMask)] == n)
            {
                continue; // this digit is constant: the pass would be the identity
            }

            int running = 0;
            for (int b = 0; b < offsets.Length; b++)
            {
                int count = offsets[b];
                offsets[b] = running;
                running += count;
            }

            Scatter(source, destination, offsets, shift);
            Span<ulong> swap = source;
            source = destination;
            destination = swap;
        }

        if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(keys)))
        {
            source.CopyTo(keys);
        }
    }

    /// <summary>
    /// Parallel LSD sort of <paramref name="keys"/>: <paramref name="counts"/> holds, chunk-major, the digit histograms
    /// (<c>digits × Buckets</c>) of each of the <paramref name="chunks"/> chunks <see cref="ChunkStart"/> defines.
    /// </summary>
    public static void SortCountedParallel(Memory<ulong> keys, Memory<ulong> scratch, int[] counts, int chunks, int digits)
    {
        int n = keys.Length;
        int stride = digits * Buckets;

        // Active digits: those not constant over all keys (a property of the multiset, so known from the totals).
        var active = new List<int>(digits);
        for (int d = 0; d < digits; d++)
        {
            int maximum = 0;
            for (int b = 0; b < Buckets && maximum < n; b++)
            {
                int total = 0;
                for (int c = 0; c < chunks; c++)
                {
                    total += counts[(c * stride) + (d * Buckets) + b];
                }

                maximum = Math.Max(maximum, total);
            }

            if (maximum < n)
            {
                active.Add(d);
            }
        }

        int[] bounds = new int[chunks + 1];
        for (int c = 0; c <= chunks; c++)
        {
            bounds[c] = ChunkStart(n, c, chunks);
        }

        int[] offsets = new int[chunks * Buckets];
        int[] next = new int[chunks * chunks * Buckets]; // [source chunk][destination chunk][bucket]
        Memory<ulong> source = keys;
        Memory<ulong> destination = scratch;
        for (int p = 0; p < active.Count; p++)
        {
            int d = active[p];
            int shift = d * DigitBits;
            int nextShift = p + 1 < active.Count ? active[p + 1] * DigitBits : -1;
            int running = 0;
            for (int b = 0; b < Buckets; b++)
            {
                for (int c = 0; c < chunks; c++)
                {
                    offsets[(c * Buckets) + b] = running;
                    running += counts[(c * stride) + (d * Buckets) + b];
                }
            }

            Memory<ulong> from = source;
            Memory<ulong> to = destination;
            Array.Clear(next);
            ForChunks(chunks, n, (chunk, start, end) =>
            {
                Span<int> offset = offsets.AsSpan(chunk * Buckets, Buckets);
                if (nextShift < 0)
                {
                    Scatter(from.Span[start..end], to.Span, offset, shift);
                }
                else
                {
                    ScatterCounting(
                        from.Span[start..end], to.Span, offset, shift, nextShift, bounds,
                        next.AsSpan(chunk * chunks * Buckets, chunks * Buckets));
                }
            });

            if (nextShift >= 0)
            {
                int nd = active[p + 1];
                for (int c = 0; c < chunks; c++)
                {
                    Span<int> target = counts.AsSpan((c * stride) + (nd * Buckets), Buckets);
                    target.Clear();
                    for (int s = 0; s < chunks; s++)
                    {
                        ReadOnlySpan<int> part = next.AsSpan(((s * chunks) + c) * Buckets, Buckets);
                        for (int b = 0; b < Buckets; b++)
                        {
                            target[b] += part[b];
                        }
                    }
                }
            }

            (source, destination) = (destination, source);
        }

        if (!source.Equals(keys))
        {
            source.CopyTo(keys);
        }
    }

    private static void Scatter(ReadOnlySpan<ulong> from, Span<ulong> to, Span<int> offsets, int shift)
    {
        ref int offset = ref MemoryMarshal.GetReference(offsets);
        ref ulong target = ref MemoryMarshal.GetReference(to);
        foreach (ulong key in from)
        {
            ref int slot = ref Unsafe.Add(ref offset, (int)((key >> shift) & DigitMask));
            Unsafe.Add(ref target, slot) = key;
            slot++;
        }
    }

    private static void ScatterCounting(
        ReadOnlySpan<ulong> from, Span<ulong> to, Span<int> offsets, int shift, int nextShift, int[] bounds, Span<int> next)
    {
        ref int offset = ref MemoryMarshal.GetReference(offsets);
        ref ulong target = ref MemoryMarshal.GetReference(to);
        ref int counts = ref MemoryMarshal.GetReference(next);
        foreach (ulong key in from)
        {
            ref int slot = ref Unsafe.Add(ref offset, (int)((key >> shift) & DigitMask));
            int position = slot++;
            Unsafe.Add(ref target, position) = key;
            int chunk = 0;
            while (position >= bounds[chunk + 1])
            {
                chunk++;
            }

            Unsafe.Add(ref counts, (chunk * Buckets) + (int)((key >> nextShift) & DigitMask))++;
        }
    }

    /// <summary>Runs <paramref name="body"/>(chunk, start, end) for each chunk, in parallel when there is more than one.</summary>
    public static void ForChunks(int chunks, int n, Action<int, int, int> body)
    {
        if (chunks == 1)
        {
            body(0, 0, n);
            return;
        }

        Parallel.For(0, chunks, chunk => body(chunk, ChunkStart(n, chunk, chunks), ChunkStart(n, chunk + 1, chunks)));
    }
}
