using ILGPU;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Ranking;

/// <summary>Per-launch constants of <see cref="RankingReduceKernel"/>.</summary>
public struct RankingReduceParameters
{
    /// <summary>1 for CSR segments (starts from the offsets), 0 for dense (segment s starts at s·Samples).</summary>
    public int Csr;

    /// <summary>Dense: elements per segment.</summary>
    public int Samples;

    /// <summary>Number of segments S.</summary>
    public int Segments;

    /// <summary>Parts per segment; part p covers elements <c>[p·Chunk, (p+1)·Chunk)</c> of the segment.</summary>
    public int Parts;

    /// <summary>Elements per part.</summary>
    public int Chunk;

    /// <summary>1 when items are bare 64-bit keys with labels in the tags, 0 for packed items.</summary>
    public int Wide;
}

/// <summary>
/// Steps 3–4 of the device pipeline (uq_metrics.md §2.2): <see cref="NegativeFlags"/> marks negatives for a global
/// exclusive scan (<c>negBefore</c>), then <see cref="Run"/> gives each (segment, part) one group whose threads visit
/// the last element of every tie group ending in the part. The group start is found by a binary-search lower bound of
/// the key inside the segment (only for groups of two or more; a singleton is detected by comparing the previous key),
/// which saves the separate max-scan pass and its n-int buffer. With
/// <c>negBelow = negBefore[gs] − negBefore[segStart]</c>, <c>neg_g = negBefore[last] + isNeg(last) − negBefore[gs]</c>,
/// <c>pos_g = size − neg_g</c>, each group adds <see cref="TieGroupScan.TwiceUTerm"/> and <see cref="TieGroupScan.ApTerm"/>
/// — the same terms as the CPU scan, so <c>2U</c> is identical. Partials are merged in a fixed tree (no atomics).
/// </summary>
public static class RankingReduceKernel
{
    /// <summary>Largest group the shared-memory tree is sized for.</summary>
    public const int MaxGroupSize = 256;

    /// <summary>Auto-grouped: <c>flags[i] = 1</c> for a negative label, else 0.</summary>
    /// <param name="index">The element.</param>
    /// <param name="items">Sorted items.</param>
    /// <param name="tags">Sorted tags (wide keys), or empty.</param>
    /// <param name="flags">Output flags.</param>
    public static void NegativeFlags(Index1D index, ArrayView<ulong> items, ArrayView<uint> tags, ArrayView<int> flags)
    {
        uint label = tags.Length > 0 ? tags[index] & 1u : (uint)(items[index] & 1ul);
        flags[index] = 1 - (int)label;
    }

    private static ulong GroupKey(ArrayView<ulong> items, long index, int wide) =>
        wide != 0 ? items[index] : items[index] >> 1;

    /// <summary>Explicitly grouped: group g handles (segment g / Parts, part g % Parts), then g + gridDim, ….</summary>
    /// <param name="items">Sorted items (segment-major, NaNs last in each segment).</param>
    /// <param name="tags">Sorted tags (wide keys), or empty.</param>
    /// <param name="negBefore">Exclusive scan of <see cref="NegativeFlags"/>.</param>
    /// <param name="offsets">CSR offsets starting at 0, or empty.</param>
    /// <param name="counts">Per-segment counts from the key build.</param>
    /// <param name="parameters">Per-launch constants.</param>
    /// <param name="partials"><c>[S·Parts]</c> outputs.</param>
    public static void Run(
        ArrayView<ulong> items,
        ArrayView<uint> tags,
        ArrayView<int> negBefore,
        ArrayView<int> offsets,
        ArrayView<RankingCounts> counts,
        RankingReduceParameters parameters,
        ArrayView<RankingPartial> partials)
    {
        ArrayView<RankingPartial> shared = SharedMemory.Allocate<RankingPartial>(MaxGroupSize);
        int thread = Group.IdxX;
        int wide = parameters.Wide;
        int work = parameters.Segments * parameters.Parts;
        for (int g = Grid.IdxX; g < work; g += Grid.DimX)
        {
            int segment = g / parameters.Parts;
            int part = g - (segment * parameters.Parts);
            long a = parameters.Csr != 0 ? offsets[segment] : (long)segment * parameters.Samples;
            RankingCounts c = counts[segment];
            long n1 = c.Positives;
            long n0 = c.Negatives;
            long end = a + n1 + n0;
            long lo = a + ((long)part * parameters.Chunk);
            long hi = lo + parameters.Chunk < end ? lo + parameters.Chunk : end;
            double inverseN1 = n1 > 0 ? 1.0 / n1 : 0.0;
            RankingPartial own = default;
            if (n1 > 0 && n0 > 0)
            {
                long baseNeg = negBefore[a];
                for (long i = lo + thread; i < hi; i += Group.DimX)
                {
                    ulong key = GroupKey(items, i, wide);
                    if (i + 1 < end && GroupKey(items, i + 1, wide) == key)
                    {
                        continue; // not the last element of its tie group
                    }

                    long gs = i;
                    if (i > a && GroupKey(items, i - 1, wide) == key)
                    {
                        // lower_bound of key in [a, i − 1]
                        long left = a;
                        long right = i - 1;
                        while (left < right)
                        {
                            long mid = left + ((right - left) / 2);
                            if (GroupKey(items, mid, wide) < key)
                            {
                                left = mid + 1;
                            }
                            else
                            {
                                right = mid;
                            }
                        }

                        gs = left;
                    }

                    uint label = wide != 0 ? tags[i] & 1u : (uint)(items[i] & 1ul);
                    long negStart = negBefore[gs];
                    long negBelow = negStart - baseNeg;
                    long neg = negBefore[i] + (1 - (long)label) - negStart;
                    long pos = (i + 1 - gs) - neg;
                    long posBelow = (gs - a) - negBelow;
                    own.TwiceU += TieGroupScan.TwiceUTerm(pos, neg, negBelow);
                    own.Ap += TieGroupScan.ApTerm(pos, n1 - posBelow, n0 - negBelow, n1, inverseN1);
                }
            }

            RankingPartial total = GroupTree.Reduce<RankingPartial, RankingPartialMerge>(shared, own);
            if (thread == 0)
            {
                partials[g] = total;
            }
        }
    }
}
