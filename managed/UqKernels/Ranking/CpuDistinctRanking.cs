using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using UqKernels.Kernels.Ranking;

namespace UqKernels;

/// <summary>
/// Per distinct score, the positives and negatives that have it: an open-addressing hash table of
/// <see cref="Capacity"/> slots keyed by the score's ascending <see cref="RankingKey"/> key, filled in one read of a
/// segment. <see cref="Capacity"/> is twice <see cref="MaxDistinct"/>, so probes stay short; an empty slot holds
/// <see cref="Empty"/>, the key of a NaN, which is never inserted.
/// </summary>
internal sealed unsafe class DistinctScoreTable
{
    /// <summary>log2 of <see cref="Capacity"/>.</summary>
    public const int CapacityBits = 12;

    /// <summary>Slots (64 KiB of entries: an L2-resident table).</summary>
    public const int Capacity = 1 << CapacityBits;

    /// <summary>Most distinct keys a table takes; one more and counting gives up.</summary>
    public const int MaxDistinct = Capacity / 2;

    /// <summary>The empty-slot key (only a NaN has it).</summary>
    public const ulong Empty = ulong.MaxValue;

    /// <summary>Fibonacci hashing: the top <see cref="CapacityBits"/> bits of <c>key · 2⁶⁴/φ</c>.</summary>
    private const ulong Golden = 0x9E37_79B9_7F4A_7C15ul;

    private readonly Entry[] _entries = CreateEntries();
    private readonly int[] _used = new int[MaxDistinct];

    /// <summary>Distinct keys in the table.</summary>
    public int Count { get; private set; }

    /// <summary>Non-NaN positives seen.</summary>
    public long Positives { get; private set; }

    /// <summary>Non-NaN negatives seen.</summary>
    public long Negatives { get; private set; }

    /// <summary>NaN positives seen.</summary>
    public long NaNPositives { get; private set; }

    /// <summary>NaN negatives seen.</summary>
    public long NaNNegatives { get; private set; }

    /// <summary>Empties the table (only the slots in use are touched).</summary>
    public void Clear()
    {
        for (int i = 0; i < Count; i++)
        {
            _entries[_used[i]] = new Entry { Key = Empty };
        }

        Count = 0;
        Positives = 0;
        Negatives = 0;
        NaNPositives = 0;
        NaNNegatives = 0;
    }

    /// <summary>
    /// Adds <c>scores[start, end)</c> with their labels; false (the table then holds a partial count) as soon as the
    /// segment has more than <see cref="MaxDistinct"/> distinct scores, or when <paramref name="abandoned"/> is set by
    /// another chunk of the same segment.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryAdd<TScore, TOps, TLabels>(TScore* scores, int start, int end, TLabels labels, ref int abandoned)
        where TScore : unmanaged
        where TOps : struct, IRankingKeyOps<TScore>
        where TLabels : struct, ISegmentLabels
    {
        const int Mask = Capacity - 1;
        const int CheckInterval = 4096;
        long nanPositives = 0;
        long nanNegatives = 0;
        long positives = 0;
        int count = Count;
        fixed (Entry* entries = _entries)
        fixed (int* used = _used)
        {
            for (int j = start; j < end; j++)
            {
                TScore score = scores[j];
                int label = labels.Get(j);
                if (TOps.IsNaN(score))
                {
                    nanPositives += label;
                    nanNegatives += 1 - label;
                    continue;
                }

                positives += label;
                ulong key = TOps.Key(score);
                int slot = (int)((key * Golden) >> (64 - CapacityBits));
                Entry* entry = entries + slot;
                while (entry->Key != key)
                {
                    if (entry->Key == Empty)
                    {
                        if (count == MaxDistinct)
                        {
                            Count = count;
                            return false;
                        }

                        // A new key; its counts are zero (cleared slots are all zero but for the key).
                        entry->Key = key;
                        used[count++] = slot;
                        break;
                    }

                    slot = (slot + 1) & Mask;
                    entry = entries + slot;
                }

                // Negatives at Counts[0], positives at Counts[1].
                (&entry->Negatives)[label]++;

                if (((j - start) & (CheckInterval - 1)) == CheckInterval - 1 && Volatile.Read(ref abandoned) != 0)
                {
                    Count = count;
                    return false;
                }
            }
        }

        Count = count;
        Positives += positives;
        Negatives += end - start - nanPositives - nanNegatives - positives;
        NaNPositives += nanPositives;
        NaNNegatives += nanNegatives;
        return true;
    }

    /// <summary>
    /// Adds every distinct key of <paramref name="tables"/> (merged: equal keys summed) to <paramref name="tally"/> in
    /// ascending order: the tie groups of the segment, in the order a sort would give them.
    /// </summary>
    public static void Tally(ReadOnlySpan<DistinctScoreTable> tables, ref TieGroupTally tally)
    {
        int total = 0;
        foreach (DistinctScoreTable table in tables)
        {
            total += table.Count;
        }

        ulong[] keyArray = ArrayPool<ulong>.Shared.Rent(total);
        (int Negatives, int Positives)[] countArray = ArrayPool<(int, int)>.Shared.Rent(total);
        Span<ulong> keys = keyArray.AsSpan(0, total);
        Span<(int Negatives, int Positives)> counts = countArray.AsSpan(0, total);
        int n = 0;
        foreach (DistinctScoreTable table in tables)
        {
            for (int i = 0; i < table.Count; i++)
            {
                Entry entry = table._entries[table._used[i]];
                keys[n] = entry.Key;
                counts[n++] = (entry.Negatives, entry.Positives);
            }
        }

        keys.Sort(counts);
        for (int i = 0; i < total;)
        {
            long positives = 0;
            long negatives = 0;
            int j = i;
            for (; j < total && keys[j] == keys[i]; j++)
            {
                negatives += counts[j].Negatives;
                positives += counts[j].Positives;
            }

            tally.Add(positives, negatives);
            i = j;
        }

        ArrayPool<ulong>.Shared.Return(keyArray);
        ArrayPool<(int, int)>.Shared.Return(countArray);
    }

    private static Entry[] CreateEntries()
    {
        var entries = new Entry[Capacity];
        entries.AsSpan().Fill(new Entry { Key = Empty });
        return entries;
    }

    /// <summary>One slot: a key, its negatives and, right after them, its positives (indexed by label).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Entry
    {
        public ulong Key;
        public int Negatives;
        public int Positives;
    }
}

/// <summary>
/// The exact path for segments with few distinct scores (quantised or rounded scores, the common tied case): one read
/// of the segment counts positives and negatives per distinct score in a <see cref="DistinctScoreTable"/> (per core
/// for a large segment), then the at most <see cref="DistinctScoreTable.MaxDistinct"/> keys per table are sorted and
/// fed to <see cref="TieGroupTally"/> as tie groups, ascending: the same groups in the same order as the radix-sort
/// path, so 2U and AP are bit-identical to it. O(n) instead of the sort's four passes; a segment with more distinct
/// scores is detected within its first few thousand elements and ranked by sorting instead.
/// </summary>
internal static unsafe class CpuDistinctRanking
{
    /// <summary>
    /// Ranks <c>scores[0, n)</c> by counting, on <paramref name="chunks"/> cores; false when the segment has more
    /// distinct scores than a table takes (nothing is written then).
    /// </summary>
    public static bool TryRank<TScore, TOps, TLabels>(
        TScore* scores, int n, TLabels labels, NanPolicy policy, RankingWorkspace workspace, int chunks, out SegmentTotals totals)
        where TScore : unmanaged
        where TOps : struct, IRankingKeyOps<TScore>
        where TLabels : struct, ISegmentLabels
    {
        totals = default;
        DistinctScoreTable[] tables = workspace.DistinctTables(chunks);
        int abandoned = 0;
        if (chunks <= 1)
        {
            if (!tables[0].TryAdd<TScore, TOps, TLabels>(scores, 0, n, labels, ref abandoned))
            {
                return false;
            }
        }
        else
        {
            TScore* source = scores;
            Parallel.For(0, chunks, c =>
            {
                int start = CpuRadixSort.ChunkStart(n, c, chunks);
                int end = CpuRadixSort.ChunkStart(n, c + 1, chunks);
                if (!tables[c].TryAdd<TScore, TOps, TLabels>(source, start, end, labels, ref abandoned))
                {
                    Volatile.Write(ref abandoned, 1);
                }
            });
            if (abandoned != 0)
            {
                return false;
            }
        }

        long positives = 0;
        long negatives = 0;
        long nanPositives = 0;
        long nanNegatives = 0;
        foreach (DistinctScoreTable table in tables)
        {
            positives += table.Positives;
            negatives += table.Negatives;
            nanPositives += table.NaNPositives;
            nanNegatives += table.NaNNegatives;
        }

        var tally = new TieGroupTally(positives, negatives);
        if (CpuSplitRanking.NeedsRanking(positives, positives + negatives, nanPositives + nanNegatives, policy))
        {
            DistinctScoreTable.Tally(tables, ref tally);
        }

        totals = SegmentTotals.From(tally, nanPositives, nanNegatives);
        return true;
    }
}
