using System.Buffers;
using System.Runtime.CompilerServices;
using UqKernels.Cpu;
using UqKernels.Kernels.Ranking;

namespace UqKernels;

/// <summary>The label of element j of one segment.</summary>
internal interface ISegmentLabels
{
    int Get(int j);
}

/// <summary>0/1 labels stored contiguously.</summary>
internal readonly unsafe struct ByteLabels(byte* labels) : ISegmentLabels
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Get(int j) => labels[j];
}

/// <summary>One-vs-rest labels generated on the fly: <c>1[y_j = class]</c>.</summary>
internal readonly unsafe struct ClassLabels(int* labels, int positiveClass) : ISegmentLabels
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Get(int j) => labels[j] == positiveClass ? 1 : 0;
}

/// <summary>Per-thread buffers of the CPU ranking path (rented; grown on demand).</summary>
internal sealed class RankingWorkspace : IDisposable
{
    private ulong[] _keys = [];
    private ulong[] _scratch = [];
    private uint[] _keys32 = [];
    private uint[] _scratch32 = [];
    private byte[] _block = [];
    private DistinctScoreTable[] _distinctTables = [];

    public int[] Counts { get; } = ArrayPool<int>.Shared.Rent(2 * 6 * CpuRadixSort.Buckets);

    public int[]? Histogram { get; private set; }

    public ulong[] Keys(int n) => Grow(ref _keys, n);

    public ulong[] Scratch(int n) => Grow(ref _scratch, n);

    public uint[] Keys32(int n) => Grow(ref _keys32, n);

    public uint[] Scratch32(int n) => Grow(ref _scratch32, n);

    /// <summary><paramref name="count"/> empty distinct-score tables (kept for the workspace's next segments).</summary>
    public DistinctScoreTable[] DistinctTables(int count)
    {
        if (_distinctTables.Length != count)
        {
            var tables = new DistinctScoreTable[count];
            for (int i = 0; i < count; i++)
            {
                tables[i] = i < _distinctTables.Length ? _distinctTables[i] : new DistinctScoreTable();
            }

            _distinctTables = tables;
        }

        foreach (DistinctScoreTable table in _distinctTables)
        {
            table.Clear();
        }

        return _distinctTables;
    }

    public byte[] Block(int bytes)
    {
        if (_block.Length < bytes)
        {
            if (_block.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_block);
            }

            _block = ArrayPool<byte>.Shared.Rent(bytes);
        }

        return _block;
    }

    /// <summary>Two 65,536-bin histograms (positives, negatives), cleared.</summary>
    public int[] ClearedHistogram()
    {
        Histogram ??= ArrayPool<int>.Shared.Rent(2 << 16);
        Array.Clear(Histogram, 0, 2 << 16);
        return Histogram;
    }

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(Counts);
        if (Histogram is not null)
        {
            ArrayPool<int>.Shared.Return(Histogram);
        }

        if (_keys.Length > 0)
        {
            ArrayPool<ulong>.Shared.Return(_keys);
        }

        if (_scratch.Length > 0)
        {
            ArrayPool<ulong>.Shared.Return(_scratch);
        }

        if (_keys32.Length > 0)
        {
            ArrayPool<uint>.Shared.Return(_keys32);
        }

        if (_scratch32.Length > 0)
        {
            ArrayPool<uint>.Shared.Return(_scratch32);
        }

        if (_block.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_block);
        }
    }

    private static T[] Grow<T>(ref T[] array, int n)
    {
        if (array.Length < n)
        {
            if (array.Length > 0)
            {
                ArrayPool<T>.Shared.Return(array);
            }

            array = ArrayPool<T>.Shared.Rent(Math.Max(n, 1));
        }

        return array;
    }
}

/// <summary>
/// Exact AUROC/AP on the managed CPU backend (uq_metrics.md §2.1–2.4): per segment, packed keys
/// <c>(key &lt;&lt; 1) | label</c> are written while their digit histograms are counted (one read of the scores), sorted
/// by the wide-digit LSD radix sort (<see cref="CpuRadixSort"/>), and scanned once by tie group. Segments run in
/// parallel on every core; row-major matrices are transposed a cache line of columns at a time first. f64 scores
/// sort positives and negatives separately (64-bit keys leave no room for the label) and merge-count; 16-bit scores
/// (f16 / bf16) use the exact O(n + 2^16) histogram.
/// </summary>
internal static unsafe class CpuRanking
{
    /// <summary>Segments at least this long are ranked one at a time with a multi-core sort.</summary>
    public const int LargeSegment = 1 << 20;

    /// <summary>16-bit segments at least this long use the histogram; shorter ones sort (identical result).</summary>
    public const int HistogramThreshold = 4096;

    public static void Run(RankingProblem problem, RankingBatchResult result)
    {
        int segments = problem.SegmentCount;
        var totals = new SegmentTotals[segments];
        if (problem.IsRowMajor)
        {
            RunRowMajor(problem, totals);
        }
        else
        {
            RunContiguous(problem, totals);
        }

        ThrowOnNaN(problem, totals);
        for (int s = 0; s < segments; s++)
        {
            RankingFinish.Store(result, s, totals[s], problem.NanPolicy);
        }
    }

    /// <summary>Under <see cref="NanPolicy.Error"/>, throws naming the scores and the first NaN's flat index.</summary>
    public static void ThrowOnNaN(in RankingProblem problem, SegmentTotals[] totals)
    {
        if (problem.NanPolicy != NanPolicy.Error)
        {
            return;
        }

        long count = 0;
        long first = long.MaxValue;
        for (int s = 0; s < totals.Length; s++)
        {
            if (totals[s].NaNs == 0)
            {
                continue;
            }

            count += totals[s].NaNs;
            int length = problem.Length(s);
            for (int j = 0; j < length; j++)
            {
                long index = problem.ScoreIndex(s, j);
                if (problem.IsNaN(index))
                {
                    first = Math.Min(first, index);
                    break;
                }
            }
        }

        if (count > 0)
        {
            string name = problem.Mode == RankingMode.OneVsRest ? "probabilities" : "scores";
            throw new ArgumentException(
                $"{name}[{first}] is NaN ({count} NaN scores); pass NanPolicy.Propagate or NanPolicy.Omit to accept them.",
                name);
        }
    }

    private static void RunContiguous(RankingProblem problem, SegmentTotals[] totals)
    {
        int segments = problem.SegmentCount;
        long total = 0;
        for (int s = 0; s < segments; s++)
        {
            int length = problem.Length(s);
            total += length;
            if (length >= LargeSegment)
            {
                using var workspace = new RankingWorkspace();
                totals[s] = RankContiguous(problem, s, workspace, parallel: true);
            }
        }

        CpuParallel.ForRowRanges(segments, Math.Max(1, total / Math.Max(1, segments)) * 8, (start, end) =>
        {
            using var workspace = new RankingWorkspace();
            for (int s = start; s < end; s++)
            {
                if (problem.Length(s) < LargeSegment)
                {
                    totals[s] = RankContiguous(problem, s, workspace, parallel: false);
                }
            }
        });
    }

    private static SegmentTotals RankContiguous(in RankingProblem problem, int s, RankingWorkspace workspace, bool parallel)
    {
        int length = problem.Length(s);
        long first = length == 0 ? 0 : problem.ScoreIndex(s, 0);
        return problem.Mode switch
        {
            RankingMode.Segments => RankWithLabels(problem, first, length, new ByteLabels(problem.Labels + problem.Offsets[s]), workspace, parallel),
            RankingMode.Columns => RankWithLabels(problem, first, length, new ByteLabels(problem.Labels), workspace, parallel),
            _ => RankWithLabels(problem, first, length, new ClassLabels(problem.ClassLabels, s), workspace, parallel),
        };
    }

    private static SegmentTotals RankWithLabels<TLabels>(
        in RankingProblem problem, long first, int length, TLabels labels, RankingWorkspace workspace, bool parallel)
        where TLabels : struct, ISegmentLabels => problem.ScoreType switch
        {
            RankingScoreType.Float32 => CpuDistinctRanking.TryRank<float, Float32KeyOps, TLabels>(
                    (float*)problem.Scores + first, length, labels, problem.NanPolicy, workspace, Chunks(length, parallel), out SegmentTotals totals)
                ? totals
                : parallel
                    ? CpuSplitRanking.RankParallel((float*)problem.Scores + first, length, labels, problem.NanPolicy, workspace, CpuRadixSort.ChunkCount(length))
                    : CpuSplitRanking.Rank((float*)problem.Scores + first, length, labels, problem.NanPolicy, workspace),
            RankingScoreType.Float64 => CpuDistinctRanking.TryRank<double, Float64KeyOps, TLabels>(
                    (double*)problem.Scores + first, length, labels, problem.NanPolicy, workspace, Chunks(length, parallel), out SegmentTotals totals)
                ? totals
                : RankFloat64((double*)problem.Scores + first, length, labels, problem.NanPolicy, workspace, parallel),
            RankingScoreType.Half => Rank16((ushort*)problem.Scores + first, length, labels, problem.NanPolicy, workspace, bfloat16: false),
            _ => Rank16((ushort*)problem.Scores + first, length, labels, problem.NanPolicy, workspace, bfloat16: true),
        };

    private static int Chunks(int length, bool parallel) => parallel ? CpuRadixSort.ChunkCount(length) : 1;

    /// <summary>Row-major <c>[N, K]</c>: blocks of one cache line of columns are transposed, then ranked column by column.</summary>
    private static void RunRowMajor(RankingProblem problem, SegmentTotals[] totals)
    {
        int columns = problem.SegmentCount;
        int samples = problem.Samples;
        int elementSize = problem.ScoreType switch
        {
            RankingScoreType.Float32 => 4,
            RankingScoreType.Float64 => 8,
            _ => 2,
        };
        int width = 64 / elementSize;
        int blocks = (columns + width - 1) / width;
        CpuParallel.ForRowRanges(blocks, (long)samples * width * 8, (start, end) =>
        {
            using var workspace = new RankingWorkspace();
            for (int block = start; block < end; block++)
            {
                int c0 = block * width;
                int count = Math.Min(width, columns - c0);
                byte[] buffer = workspace.Block(count * samples * elementSize);
                fixed (byte* transposed = buffer)
                {
                    Transpose((byte*)problem.Scores, transposed, samples, columns, c0, count, elementSize);
                    for (int c = 0; c < count; c++)
                    {
                        int column = c0 + c;
                        byte* scores = transposed + ((long)c * samples * elementSize);
                        var local = problem with { Scores = scores, Mode = RankingMode.Columns, Layout = ScoreLayout.ColumnMajor };
                        totals[column] = problem.Mode == RankingMode.OneVsRest
                            ? RankWithLabels(local, 0, samples, new ClassLabels(problem.ClassLabels, column), workspace, false)
                            : RankWithLabels(local, 0, samples, new ByteLabels(problem.Labels), workspace, false);
                    }
                }
            }
        });
    }

    private static void Transpose(byte* source, byte* target, int rows, int columns, int c0, int count, int elementSize)
    {
        switch (elementSize)
        {
            case 4:
                TransposeTyped((float*)source, (float*)target, rows, columns, c0, count);
                break;
            case 8:
                TransposeTyped((double*)source, (double*)target, rows, columns, c0, count);
                break;
            default:
                TransposeTyped((ushort*)source, (ushort*)target, rows, columns, c0, count);
                break;
        }
    }

    private static void TransposeTyped<T>(T* source, T* target, int rows, int columns, int c0, int count)
        where T : unmanaged
    {
        // Rows a page or more apart defeat the hardware prefetchers, so every row of a block was a demand miss (27% of
        // the one-vs-rest profile); the block's line(s) a few rows ahead are prefetched.
        const int PrefetchRows = 16;
        for (int i = 0; i < rows; i++)
        {
            T* row = source + ((long)i * columns) + c0;
            if (i + PrefetchRows < rows)
            {
                CpuPrefetch.Range(row + ((long)PrefetchRows * columns), (long)count * sizeof(T));
            }

            for (int c = 0; c < count; c++)
            {
                target[((long)c * rows) + i] = row[c];
            }
        }
    }

    /// <summary>True when the segment's metrics are needed: both classes present and no NaN that is not omitted.</summary>
    private static bool NeedsRanking(long n1, long count, long nans, NanPolicy policy) =>
        n1 > 0 && n1 < count && (nans == 0 || policy == NanPolicy.Omit);

    /// <summary>The tie-group scan of sorted packed keys (negatives first inside each group).</summary>
    public static void ScanPacked(ReadOnlySpan<ulong> keys, ref TieGroupTally tally)
    {
        int n = keys.Length;
        int i = 0;
        while (i < n)
        {
            ulong group = keys[i] >> 1;
            int start = i;
            int negatives = 0;
            do
            {
                negatives += 1 - (int)(keys[i] & 1);
                i++;
            }
            while (i < n && (keys[i] >> 1) == group);

            tally.Add(i - start - negatives, negatives);
        }
    }

    /// <summary>One f64 segment: positives and negatives sorted apart, then merge-counted.</summary>
    public static SegmentTotals RankFloat64<TLabels>(double* scores, int n, TLabels labels, NanPolicy policy, RankingWorkspace workspace, bool parallel)
        where TLabels : struct, ISegmentLabels
    {
        const int B = CpuRadixSort.Buckets;
        const int Digits = 6;
        ulong[] keyArray = workspace.Keys(n);
        int[] countArray = workspace.Counts;
        Array.Clear(countArray, 0, 2 * Digits * B);
        int p = 0;
        int q = 0;
        long nanPositives = 0;
        long nanNegatives = 0;
        fixed (ulong* keys = keyArray)
        fixed (int* counts = countArray)
        {
            for (int j = 0; j < n; j++)
            {
                double score = scores[j];
                int label = labels.Get(j);
                if (double.IsNaN(score))
                {
                    nanPositives += label;
                    nanNegatives += 1 - label;
                    continue;
                }

                ulong key = RankingKey.Key(score);
                int* local = counts + (label == 0 ? Digits * B : 0);
                if (label != 0)
                {
                    keys[p++] = key;
                }
                else
                {
                    keys[n - 1 - q++] = key;
                }

                for (int d = 0; d < Digits; d++)
                {
                    local[(d * B) + (int)((key >> (d * 11)) & (B - 1))]++;
                }
            }
        }

        var tally = new TieGroupTally(p, q);
        if (NeedsRanking(p, p + q, nanPositives + nanNegatives, policy))
        {
            Span<ulong> positives = keyArray.AsSpan(0, p);
            Span<ulong> negatives = keyArray.AsSpan(n - q, q);
            ulong[] scratch = workspace.Scratch(Math.Max(p, q));
            if (parallel)
            {
                CpuRadixSort.Sort(keyArray.AsMemory(0, p), scratch);
                CpuRadixSort.Sort(keyArray.AsMemory(n - q, q), scratch);
            }
            else
            {
                CpuRadixSort.SortCounted(positives, scratch, countArray.AsSpan(0, Digits * B), Digits);
                CpuRadixSort.SortCounted(negatives, scratch, countArray.AsSpan(Digits * B, Digits * B), Digits);
            }

            MergeCount(positives, negatives, ref tally);
        }

        return SegmentTotals.From(tally, nanPositives, nanNegatives);
    }

    /// <summary>Walks two ascending key arrays group by group.</summary>
    public static void MergeCount(ReadOnlySpan<ulong> positives, ReadOnlySpan<ulong> negatives, ref TieGroupTally tally)
    {
        int ip = 0;
        int iq = 0;
        while (ip < positives.Length || iq < negatives.Length)
        {
            ulong key = ip == positives.Length ? negatives[iq]
                : iq == negatives.Length ? positives[ip]
                : Math.Min(positives[ip], negatives[iq]);
            int p0 = ip;
            int q0 = iq;
            while (ip < positives.Length && positives[ip] == key)
            {
                ip++;
            }

            while (iq < negatives.Length && negatives[iq] == key)
            {
                iq++;
            }

            tally.Add(ip - p0, iq - q0);
        }
    }

    /// <summary>
    /// One f16 / bf16 segment: the exact O(n + 2^16) path — per-key (pos, neg) counts, then one ascending walk over the
    /// 65,536 keys (the same groups, in the same order, as a sort would give). Short segments sort 17-bit packed keys.
    /// </summary>
    public static SegmentTotals Rank16<TLabels>(ushort* scores, int n, TLabels labels, NanPolicy policy, RankingWorkspace workspace, bool bfloat16)
        where TLabels : struct, ISegmentLabels
    {
        long nanPositives = 0;
        long nanNegatives = 0;
        long n1 = 0;
        long n0 = 0;
        if (n < HistogramThreshold)
        {
            ulong[] keyArray = workspace.Keys(n);
            int k = 0;
            for (int j = 0; j < n; j++)
            {
                ushort bits = scores[j];
                int label = labels.Get(j);
                if (bfloat16 ? RankingKey.IsNaNBFloat16(bits) : RankingKey.IsNaNHalf(bits))
                {
                    nanPositives += label;
                    nanNegatives += 1 - label;
                    continue;
                }

                keyArray[k++] = ((ulong)(uint)RankingKey.Key16(bits) << 1) | (uint)label;
                n1 += label;
            }

            var small = new TieGroupTally(n1, k - n1);
            if (NeedsRanking(n1, k, nanPositives + nanNegatives, policy))
            {
                Span<ulong> sorted = keyArray.AsSpan(0, k);
                sorted.Sort();
                ScanPacked(sorted, ref small);
            }

            return SegmentTotals.From(small, nanPositives, nanNegatives);
        }

        int[] histogram = workspace.ClearedHistogram();
        fixed (int* counts = histogram)
        {
            for (int j = 0; j < n; j++)
            {
                ushort bits = scores[j];
                int label = labels.Get(j);
                if (bfloat16 ? RankingKey.IsNaNBFloat16(bits) : RankingKey.IsNaNHalf(bits))
                {
                    nanPositives += label;
                    nanNegatives += 1 - label;
                    continue;
                }

                // Positives in [0, 2^16), negatives in [2^16, 2^17).
                counts[((1 - label) << 16) + RankingKey.Key16(bits)]++;
            }

            for (int key = 0; key < 1 << 16; key++)
            {
                n1 += counts[key];
                n0 += counts[(1 << 16) + key];
            }

            var tally = new TieGroupTally(n1, n0);
            if (NeedsRanking(n1, n1 + n0, nanPositives + nanNegatives, policy))
            {
                for (int key = 0; key < 1 << 16; key++)
                {
                    int pos = counts[key];
                    int neg = counts[(1 << 16) + key];
                    if ((pos | neg) != 0)
                    {
                        tally.Add(pos, neg);
                    }
                }
            }

            return SegmentTotals.From(tally, nanPositives, nanNegatives);
        }
    }
}
