using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using UqKernels.Kernels.Ranking;

namespace UqKernels;

/// <summary>
/// The f32 ranking path of the CPU backend (uq_metrics.md §2.1–2.4) on 32-bit keys: the scores of one segment are
/// turned into ascending <see cref="RankingKey.Key(float)"/> keys written, branch-free, into two runs (positives
/// growing up, negatives growing down) in one read of the scores and labels, which also counts the 11/11/10-bit digit
/// histograms of each class (per chunk on the multi-core path; measured ~10% faster than a second, cache-resident read
/// of the keys for 50,000-score columns). Each
/// class is LSD-radix sorted on its own (passes whose digit is constant are skipped; the sorted run is left in
/// whichever buffer the last pass wrote), then one two-pointer walk with galloping run ends (O(log g) per tie group of
/// size g) feeds the tie groups, ascending, to <see cref="TieGroupTally"/>: the same groups in the same order as a sort
/// of the packed 33-bit keys <c>(key &lt;&lt; 1) | label</c>, so 2U and AP are bit-identical to it. Large segments run
/// the key build and every scatter on every core: core c owns one contiguous chunk and scatters it to offsets ordered
/// (bucket, chunk), so the sort is stable and its result does not depend on the core count.
/// </summary>
internal static unsafe class CpuSplitRanking
{
    /// <summary>Bits per digit.</summary>
    public const int DigitBits = 11;

    /// <summary>Buckets per digit.</summary>
    public const int Buckets = 1 << DigitBits;

    /// <summary>Digits of a 32-bit key (11 + 11 + 10 bits).</summary>
    public const int Digits = 3;

    /// <summary>Histogram ints of one class (<c>Digits × Buckets</c>, digit-major).</summary>
    public const int ClassHistogram = Digits * Buckets;

    /// <summary>Histogram ints of one chunk: positives then negatives.</summary>
    public const int ChunkHistogram = 2 * ClassHistogram;

    /// <summary>
    /// At most this many positives: the negatives are counted against them instead of sorted (63, so that 64 padded
    /// slots always end with padding).
    /// </summary>
    public const int RarePositives = 63;

    /// <summary>Below this length a class is sorted by comparison.</summary>
    public const int SmallThreshold = 256;

    private const uint DigitMask = Buckets - 1;

    /// <summary>
    /// Writes the keys of <c>scores[start, end)</c> into <c>keys[start, end)</c>: positives ascending from
    /// <paramref name="start"/>, negatives descending from <c>end − 1</c>; adds their digit histograms to
    /// <paramref name="histogram"/> (<see cref="ChunkHistogram"/> ints). NaN scores are counted, not written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Build<TLabels>(
        float* scores, int start, int end, TLabels labels, uint* keys, int* histogram,
        out int positives, out int negatives, out long nanPositives, out long nanNegatives)
        where TLabels : struct, ISegmentLabels
    {
        uint* up = keys + start;
        uint* down = keys + end - 1;
        int p = 0;
        int q = 0;
        long nanPos = 0;
        long nanNeg = 0;
        for (int j = start; j < end; j++)
        {
            float score = scores[j];
            int label = labels.Get(j);
            if (float.IsNaN(score))
            {
                nanPos += label;
                nanNeg += 1 - label;
                continue;
            }

            uint key = RankingKey.Key(score);

            // Both slots are free (p + q < chunk length); only the one of the element's class is kept.
            up[p] = key;
            down[-q] = key;
            p += label;
            q += 1 - label;
            int* h = histogram + ((1 - label) * ClassHistogram);
            h[key & DigitMask]++;
            h[Buckets + ((key >> DigitBits) & DigitMask)]++;
            h[(2 * Buckets) + (key >> (2 * DigitBits))]++;
        }

        positives = p;
        negatives = q;
        nanPositives = nanPos;
        nanNegatives = nanNeg;
    }

    /// <summary>One f32 segment on the calling thread.</summary>
    public static SegmentTotals Rank<TLabels>(float* scores, int n, TLabels labels, NanPolicy policy, RankingWorkspace workspace)
        where TLabels : struct, ISegmentLabels
    {
        uint[] keyArray = workspace.Keys32(n);
        uint[] scratchArray = workspace.Scratch32(n);
        int[] countArray = workspace.Counts;
        Array.Clear(countArray, 0, ChunkHistogram);
        fixed (uint* keys = keyArray)
        fixed (uint* scratch = scratchArray)
        fixed (int* counts = countArray)
        {
            Build(scores, 0, n, labels, keys, counts, out int p, out int q, out long nanPositives, out long nanNegatives);
            var tally = new TieGroupTally(p, q);
            if (NeedsRanking(p, p + q, nanPositives + nanNegatives, policy))
            {
                if (p <= RarePositives && Vector256.IsHardwareAccelerated)
                {
                    CountAgainstRarePositives(keys, p, keys + (n - q), q, ref tally);
                }
                else
                {
                    uint* positives = SortSerial(keys, scratch, p, counts);
                    uint* negatives = SortSerial(keys + (n - q), scratch + (n - q), q, counts + ClassHistogram);
                    MergeCount(positives, p, negatives, q, ref tally);
                }
            }

            return SegmentTotals.From(tally, nanPositives, nanNegatives);
        }
    }

    /// <summary>
    /// Tie groups of a segment with at most <see cref="RarePositives"/> positives (one-vs-rest's shape) without sorting
    /// the negatives. The positive keys are sorted and reduced to their m distinct values D, padded to 64 with a key no
    /// score has. Each negative key k is placed by r = #{D &lt; k}, counted in two SIMD steps: the last key of each block
    /// of 8 gives the block, one compare inside it the rest. A test k = D[r] then puts k with the negatives tied with
    /// D[r] or with those strictly between D[r−1] and D[r]. The groups go to <paramref name="tally"/> ascending, and the
    /// negatives between two positive values form one group. A group without positives adds nothing but its negatives
    /// to <see cref="TieGroupTally.NegativesBelow"/> (its 2U and AP terms are exactly 0), so 2U and AP are bit-identical
    /// to the merge of the sorted classes. The cost is a few instructions per negative instead of three scatter passes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CountAgainstRarePositives(uint* positives, int p, uint* negatives, int q, ref TieGroupTally tally)
    {
        const int Blocks = 8;
        const int Padded = Blocks * 8;
        new Span<uint>(positives, p).Sort();

        // Keys are compared as signed ints after flipping the top bit (the order is the same; AVX2 compares signed).
        // Padding: uint.MaxValue, the key of a NaN only, is never below or equal to a score's key.
        int* distinct = stackalloc int[Padded];
        int* positiveCounts = stackalloc int[RarePositives];
        int m = 0;
        for (int i = 0; i < p; i++)
        {
            int key = (int)(positives[i] ^ 0x8000_0000u);
            if (m == 0 || key != distinct[m - 1])
            {
                distinct[m] = key;
                positiveCounts[m++] = 0;
            }

            positiveCounts[m - 1]++;
        }

        for (int i = m; i < Padded; i++)
        {
            distinct[i] = int.MaxValue;
        }

        int* lastOfBlock = stackalloc int[Blocks];
        for (int b = 0; b < Blocks; b++)
        {
            lastOfBlock[b] = distinct[(8 * b) + 7];
        }

        var blockEnds = Vector256.Load(lastOfBlock);
        int* tied = stackalloc int[RarePositives + 1];
        int* between = stackalloc int[RarePositives + 1];
        new Span<int>(tied, RarePositives + 1).Clear();
        new Span<int>(between, RarePositives + 1).Clear();
        for (int j = 0; j < q; j++)
        {
            int key = (int)(negatives[j] ^ 0x8000_0000u);
            var k = Vector256.Create(key);

            // Blocks entirely below k (at most 7: the last key of the last block is padding), then keys below k in the next.
            int block = BitOperations.PopCount(Vector256.LessThan(blockEnds, k).ExtractMostSignificantBits());
            int rank = (8 * block)
                + BitOperations.PopCount(Vector256.LessThan(Vector256.Load(distinct + (8 * block)), k).ExtractMostSignificantBits());
            int isTied = distinct[rank] == key ? 1 : 0;
            tied[rank] += isTied;
            between[rank] += 1 - isTied;
        }

        for (int g = 0; g < m; g++)
        {
            if (between[g] > 0)
            {
                tally.Add(0, between[g]);
            }

            tally.Add(positiveCounts[g], tied[g]);
        }

        if (between[m] > 0)
        {
            tally.Add(0, between[m]);
        }
    }

    /// <summary>One large f32 segment: key build, histograms and every scatter pass on <paramref name="chunks"/> cores.</summary>
    public static SegmentTotals RankParallel<TLabels>(
        float* scores, int n, TLabels labels, NanPolicy policy, RankingWorkspace workspace, int chunks)
        where TLabels : struct, ISegmentLabels
    {
        if (chunks <= 1)
        {
            return Rank(scores, n, labels, policy, workspace);
        }

        uint[] keyArray = workspace.Keys32(n);
        uint[] scratchArray = workspace.Scratch32(n);
        int[] histogramArray = new int[chunks * ChunkHistogram];
        var written = new int[chunks * 2];
        var nans = new long[chunks * 2];
        fixed (uint* keys = keyArray)
        fixed (uint* scratch = scratchArray)
        fixed (int* histograms = histogramArray)
        {
            uint* k = keys;
            int* hs = histograms;
            Parallel.For(0, chunks, c =>
            {
                int start = CpuRadixSort.ChunkStart(n, c, chunks);
                int end = CpuRadixSort.ChunkStart(n, c + 1, chunks);
                Build(scores, start, end, labels, k, hs + (c * ChunkHistogram),
                    out written[2 * c], out written[(2 * c) + 1], out nans[2 * c], out nans[(2 * c) + 1]);
            });

            long p = 0;
            long q = 0;
            long nanPositives = 0;
            long nanNegatives = 0;
            for (int c = 0; c < chunks; c++)
            {
                p += written[2 * c];
                q += written[(2 * c) + 1];
                nanPositives += nans[2 * c];
                nanNegatives += nans[(2 * c) + 1];
            }

            var tally = new TieGroupTally(p, q);
            if (NeedsRanking(p, p + q, nanPositives + nanNegatives, policy))
            {
                var sort = new ParallelSplitSort(keys, scratch, n, chunks, histograms, written);
                sort.Run();
                MergeCount(sort.Result(0), (int)p, sort.Result(1), (int)q, ref tally);
            }

            return SegmentTotals.From(tally, nanPositives, nanNegatives);
        }
    }

    /// <summary>True when the segment's metrics are needed: both classes present and no NaN that is not omitted.</summary>
    public static bool NeedsRanking(long n1, long count, long nans, NanPolicy policy) =>
        n1 > 0 && n1 < count && (nans == 0 || policy == NanPolicy.Omit);

    /// <summary>
    /// Serial LSD sort of <c>keys[0, n)</c> whose digit histograms (<see cref="ClassHistogram"/> ints, overwritten) are
    /// <paramref name="histogram"/>; returns the buffer (<paramref name="keys"/> or <paramref name="scratch"/>) that holds
    /// the sorted keys.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint* SortSerial(uint* keys, uint* scratch, int n, int* histogram)
    {
        if (n < SmallThreshold)
        {
            new Span<uint>(keys, n).Sort();
            return keys;
        }

        uint* source = keys;
        uint* destination = scratch;
        for (int d = 0; d < Digits; d++)
        {
            int shift = d * DigitBits;
            int* offsets = histogram + (d * Buckets);
            if (offsets[(source[0] >> shift) & DigitMask] == n)
            {
                continue; // constant digit: the pass would be the identity
            }

            ExclusiveScan(offsets);
            Scatter(source, n, destination, offsets, shift);
            uint* swap = source;
            source = destination;
            destination = swap;
        }

        return source;
    }

    /// <summary>Replaces the <see cref="Buckets"/> counts with their exclusive prefix sums.</summary>
    public static void ExclusiveScan(int* counts)
    {
        int running = 0;
        for (int b = 0; b < Buckets; b++)
        {
            int count = counts[b];
            counts[b] = running;
            running += count;
        }
    }

    /// <summary>Stable scatter of <c>from[0, n)</c> by the digit at <paramref name="shift"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scatter(uint* from, int n, uint* to, int* offsets, int shift)
    {
        for (int j = 0; j < n; j++)
        {
            uint key = from[j];
            to[offsets[(key >> shift) & DigitMask]++] = key;
        }
    }

    /// <summary>Adds the histogram of the digit at <paramref name="shift"/> of <c>keys[0, n)</c> to <paramref name="counts"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Count(uint* keys, int n, int* counts, int shift)
    {
        for (int j = 0; j < n; j++)
        {
            counts[(keys[j] >> shift) & DigitMask]++;
        }
    }

    /// <summary>
    /// Walks ascending positive and negative keys tie group by tie group (ascending), finding each run's end by
    /// galloping, and adds every group to <paramref name="tally"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MergeCount(uint* positives, int p, uint* negatives, int q, ref TieGroupTally tally)
    {
        int ip = 0;
        int iq = 0;

        // With both classes common (the minority ≥ 1/8), which class comes next is a coin flip the branch predictor
        // loses; with a rare class (one-vs-rest) it predicts well and the plain step is cheaper.
        bool balanced = 8L * Math.Min(p, q) >= (long)p + q;
        while (ip < p && iq < q)
        {
            uint a = positives[ip];
            uint b = negatives[iq];
            if (a != b && (ip + 1 == p || positives[ip + 1] != a) && (iq + 1 == q || negatives[iq + 1] != b))
            {
                // Continuous scores: both heads are singleton groups and the smaller one is next.
                if (!balanced)
                {
                    if (a < b)
                    {
                        tally.Add(1, 0);
                        ip++;
                    }
                    else
                    {
                        tally.Add(0, 1);
                        iq++;
                    }

                    continue;
                }

                // Branch-free: the positive group's terms are formed either way and added times 0 or 1 (exact: the
                // AP term is finite, TP ≥ 1 while a positive remains); the negative group only moves NegativesBelow,
                // as Add(0, 1) does.
                int positive = a < b ? 1 : 0;
                double term = TieGroupScan.ApTerm(
                    1, tally.N1 - tally.PositivesBelow, tally.N0 - tally.NegativesBelow, tally.N1, tally.InverseN1);
                tally.TwiceU += positive * TieGroupScan.TwiceUTerm(1, 0, tally.NegativesBelow);
                tally.ApSum += positive * term;
                tally.PositivesBelow += positive;
                tally.NegativesBelow += 1 - positive;
                ip += positive;
                iq += 1 - positive;
                continue;
            }

            if (a < b)
            {
                int end = RunEnd(positives, ip, p);
                tally.Add(end - ip, 0);
                ip = end;
            }
            else if (b < a)
            {
                int end = RunEnd(negatives, iq, q);
                tally.Add(0, end - iq);
                iq = end;
            }
            else
            {
                int endP = RunEnd(positives, ip, p);
                int endQ = RunEnd(negatives, iq, q);
                tally.Add(endP - ip, endQ - iq);
                ip = endP;
                iq = endQ;
            }
        }

        while (ip < p)
        {
            int end = RunEnd(positives, ip, p);
            tally.Add(end - ip, 0);
            ip = end;
        }

        while (iq < q)
        {
            int end = RunEnd(negatives, iq, q);
            tally.Add(0, end - iq);
            iq = end;
        }
    }

    /// <summary>The end of the run of keys equal to <c>keys[start]</c> in ascending <c>keys[0, n)</c> (galloping search).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RunEnd(uint* keys, int start, int n)
    {
        uint key = keys[start];
        int low = start; // keys[low] == key
        int step = 1;
        int high = start + 1;
        while (high < n && keys[high] == key)
        {
            low = high;
            step <<= 1;
            high = low + step;
        }

        if (high > n)
        {
            high = n;
        }

        // keys[low] == key; the first differing key (or n) is in (low, high].
        while (high - low > 1)
        {
            int middle = low + ((high - low) >> 1);
            if (keys[middle] == key)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return high;
    }

    /// <summary>
    /// The multi-core LSD sort of both classes of one segment after a chunked <see cref="Build"/>: class 0 (positives)
    /// ends in <c>[0, P)</c> and class 1 (negatives) in <c>[P, P + Q)</c> of one of the two buffers.
    /// </summary>
    private sealed class ParallelSplitSort
    {
        private readonly uint* _keys;
        private readonly uint* _scratch;
        private readonly int _n;
        private readonly int _chunks;
        private readonly int* _histograms;
        private readonly int[] _written;
        private readonly int[] _total = new int[2];
        private readonly int[][] _active = new int[2][];
        private readonly int[] _offsets;
        private readonly int[] _nextCounts;
        private readonly uint*[] _result = new uint*[2];

        public ParallelSplitSort(uint* keys, uint* scratch, int n, int chunks, int* histograms, int[] written)
        {
            _keys = keys;
            _scratch = scratch;
            _n = n;
            _chunks = chunks;
            _histograms = histograms;
            _written = written;
            _offsets = new int[2 * chunks * Buckets];
            _nextCounts = new int[2 * chunks * Buckets];
            for (int cls = 0; cls < 2; cls++)
            {
                int total = 0;
                for (int c = 0; c < chunks; c++)
                {
                    total += written[(2 * c) + cls];
                }

                _total[cls] = total;
                _active[cls] = ActiveDigits(cls, total);
            }
        }

        public uint* Result(int cls) => _result[cls];

        public void Run()
        {
            int passes = Math.Max(_active[0].Length, _active[1].Length);
            int[] bases = [0, _total[0]];
            for (int pass = 0; pass < passes; pass++)
            {
                uint* from = (pass & 1) == 0 ? _keys : _scratch;
                uint* to = (pass & 1) == 0 ? _scratch : _keys;

                // Offsets ordered (bucket, chunk) for each class that has this pass.
                for (int cls = 0; cls < 2; cls++)
                {
                    if (pass >= _active[cls].Length)
                    {
                        continue;
                    }

                    int digit = _active[cls][pass];
                    int running = bases[cls];
                    for (int b = 0; b < Buckets; b++)
                    {
                        for (int c = 0; c < _chunks; c++)
                        {
                            int index = (((cls * _chunks) + c) * Buckets) + b;
                            int count = pass == 0
                                ? _histograms[(c * ChunkHistogram) + (cls * ClassHistogram) + (digit * Buckets) + b]
                                : _nextCounts[index];
                            _offsets[index] = running;
                            running += count;
                        }
                    }
                }

                int currentPass = pass;
                Parallel.For(0, _chunks, c =>
                {
                    fixed (int* offsets = _offsets)
                    {
                        for (int cls = 0; cls < 2; cls++)
                        {
                            if (currentPass >= _active[cls].Length)
                            {
                                continue;
                            }

                            uint* source;
                            int length;
                            if (currentPass == 0)
                            {
                                // The chunk's run from the build: positives up from its start, negatives down from its end.
                                int start = CpuRadixSort.ChunkStart(_n, c, _chunks);
                                int end = CpuRadixSort.ChunkStart(_n, c + 1, _chunks);
                                length = _written[(2 * c) + cls];
                                source = cls == 0 ? _keys + start : _keys + end - length;
                            }
                            else
                            {
                                int start = CpuRadixSort.ChunkStart(_total[cls], c, _chunks);
                                length = CpuRadixSort.ChunkStart(_total[cls], c + 1, _chunks) - start;
                                source = from + bases[cls] + start;
                            }

                            int shift = _active[cls][currentPass] * DigitBits;
                            Scatter(source, length, to, offsets + (((cls * _chunks) + c) * Buckets), shift);
                        }
                    }
                });

                // Per-chunk histograms of the next digit over the new order.
                bool more = false;
                for (int cls = 0; cls < 2; cls++)
                {
                    if (pass + 1 < _active[cls].Length)
                    {
                        more = true;
                    }
                    else if (pass + 1 == _active[cls].Length)
                    {
                        _result[cls] = to + bases[cls];
                    }
                }

                if (more)
                {
                    Array.Clear(_nextCounts);
                    Parallel.For(0, _chunks, c =>
                    {
                        fixed (int* next = _nextCounts)
                        {
                            for (int cls = 0; cls < 2; cls++)
                            {
                                if (currentPass + 1 >= _active[cls].Length)
                                {
                                    continue;
                                }

                                int start = CpuRadixSort.ChunkStart(_total[cls], c, _chunks);
                                int length = CpuRadixSort.ChunkStart(_total[cls], c + 1, _chunks) - start;
                                Count(to + bases[cls] + start, length, next + (((cls * _chunks) + c) * Buckets),
                                    _active[cls][currentPass + 1] * DigitBits);
                            }
                        }
                    });
                }
            }
        }

        /// <summary>The digits of class <paramref name="cls"/> that are not constant (at least one, so the chunks are compacted).</summary>
        private int[] ActiveDigits(int cls, int total)
        {
            var active = new List<int>(Digits);
            for (int d = 0; d < Digits; d++)
            {
                int maximum = 0;
                for (int b = 0; b < Buckets && maximum < total; b++)
                {
                    int sum = 0;
                    for (int c = 0; c < _chunks; c++)
                    {
                        sum += _histograms[(c * ChunkHistogram) + (cls * ClassHistogram) + (d * Buckets) + b];
                    }

                    maximum = Math.Max(maximum, sum);
                }

                if (maximum < total)
                {
                    active.Add(d);
                }
            }

            if (active.Count == 0)
            {
                active.Add(0);
            }

            return [.. active];
        }
    }
}
