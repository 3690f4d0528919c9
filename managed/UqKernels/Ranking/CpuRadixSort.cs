namespace UqKernels;

/// <summary>
/// LSD radix sort of uint64 keys on the CPU (uq_metrics.md §2.1): 11-bit digits (⌈keyBits/11⌉ passes at most; a
/// 33-bit packed f32 key needs 3), the histograms of every digit built in one read of the input, and passes whose digit
/// is the same for every key skipped. Inputs shorter than <see cref="SmallThreshold"/> use a comparison sort.
/// Large inputs are split into one contiguous chunk per core: each chunk counts its digits and scatters its keys to
/// offsets ordered (bucket, chunk), so the sort stays stable and its result does not depend on the core count.
/// </summary>
internal static class CpuRadixSort
{
    /// <summary>Below this length the comparison sort is faster.</summary>
    public const int SmallThreshold = 256;

    /// <summary>Below this length the sort runs on the calling thread.</summary>
    private const int ParallelThreshold = 1 << 17;

    private const int DigitBits = 11;
    private const int Buckets = 1 << DigitBits;
    private const ulong DigitMask = Buckets - 1;

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
        scratch = scratch[..n];
        int digits = (keyBits + DigitBits - 1) / DigitBits;
        int chunks = n < ParallelThreshold ? 1 : Math.Min(Environment.ProcessorCount, n / (ParallelThreshold / 2));
        chunks = Math.Max(chunks, 1);

        // One read: per-chunk histograms of every digit (chunk-major, digit, bucket).
        int[] counts = new int[chunks * digits * Buckets];
        ForChunks(chunks, n, (chunk, start, end) =>
        {
            Span<int> local = counts.AsSpan(chunk * digits * Buckets, digits * Buckets);
            foreach (ulong key in keys.Span[start..end])
            {
                ulong k = key;
                for (int d = 0; d < digits; d++)
                {
                    local[(d * Buckets) + (int)(k & DigitMask)]++;
                    k >>= DigitBits;
                }
            }
        });

        Memory<ulong> source = keys;
        Memory<ulong> destination = scratch;
        bool moved = false;
        int[] offsets = new int[chunks * Buckets];
        for (int d = 0; d < digits; d++)
        {
            int shift = d * DigitBits;
            int firstBucket = (int)((source.Span[0] >> shift) & DigitMask);
            long sameAsFirst = 0;
            for (int c = 0; c < chunks; c++)
            {
                sameAsFirst += counts[(((c * digits) + d) * Buckets) + firstBucket];
            }

            if (sameAsFirst == n)
            {
                continue; // this digit is constant: the pass would be the identity
            }

            if (moved && chunks > 1)
            {
                // The chunks now hold other keys than when they were counted: recount this digit per chunk.
                Memory<ulong> current = source;
                ForChunks(chunks, n, (chunk, start, end) =>
                {
                    Span<int> local = counts.AsSpan(((chunk * digits) + d) * Buckets, Buckets);
                    local.Clear();
                    foreach (ulong key in current.Span[start..end])
                    {
                        local[(int)((key >> shift) & DigitMask)]++;
                    }
                });
            }

            int running = 0;
            for (int b = 0; b < Buckets; b++)
            {
                for (int c = 0; c < chunks; c++)
                {
                    offsets[(c * Buckets) + b] = running;
                    running += counts[(((c * digits) + d) * Buckets) + b];
                }
            }

            Memory<ulong> from = source;
            Memory<ulong> to = destination;
            ForChunks(chunks, n, (chunk, start, end) =>
            {
                Span<int> offset = offsets.AsSpan(chunk * Buckets, Buckets);
                Span<ulong> target = to.Span;
                foreach (ulong key in from.Span[start..end])
                {
                    target[offset[(int)((key >> shift) & DigitMask)]++] = key;
                }
            });

            (source, destination) = (destination, source);
            moved = true;
        }

        if (!source.Equals(keys))
        {
            source.CopyTo(keys);
        }
    }

    private static void ForChunks(int chunks, int n, Action<int, int, int> body)
    {
        if (chunks == 1)
        {
            body(0, 0, n);
            return;
        }

        Parallel.For(0, chunks, chunk => body(chunk, (int)((long)n * chunk / chunks), (int)((long)n * (chunk + 1) / chunks)));
    }
}
