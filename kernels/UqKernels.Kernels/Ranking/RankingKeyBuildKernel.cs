using ILGPU;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Ranking;

/// <summary>Per-launch constants of <see cref="RankingKeyBuildKernel"/>.</summary>
public struct RankingKeyBuildParameters
{
    /// <summary>0 = columns (shared 0/1 labels <c>[N]</c>), 1 = one-vs-rest (class labels <c>[N]</c>), 2 = CSR segments.</summary>
    public int Mode;

    /// <summary>Number of segments S.</summary>
    public int Segments;

    /// <summary>Dense modes: N, the elements of every segment.</summary>
    public int Samples;

    /// <summary>Dense modes: distance in the scores between the first elements of consecutive segments.</summary>
    public long SegmentStride;

    /// <summary>Dense modes: distance in the scores between consecutive elements of a segment.</summary>
    public long ElementStride;

    /// <summary>Bits of the segment id in a sort item (⌈log2 S⌉).</summary>
    public int SegmentBits;
}

/// <summary>
/// Device key build of the exact AUROC pipeline (uq_metrics.md §2.2 step 1): one group per segment writes each
/// element's sort item at <c>segmentStart + j</c> and reduces the segment's class and NaN counts in a fixed
/// shared-memory tree (no atomics). Keys of ≤ 32 bits are packed into one item
/// <c>(segment &lt;&lt; (bits+1)) | (key &lt;&lt; 1) | label</c>; 64-bit keys are written as the item with a separate tag
/// <c>(segment &lt;&lt; 1) | label</c>. NaN elements get the largest key of their segment so they sort last.
/// </summary>
public static class RankingKeyBuildKernel
{
    /// <summary>Largest group the shared-memory tree is sized for.</summary>
    public const int MaxGroupSize = 256;

    /// <summary>Explicitly grouped kernel: group g handles segments g, g + gridDim, ….</summary>
    /// <param name="scores">Scores (dense matrix or concatenated segments).</param>
    /// <param name="labels">0/1 labels (columns: <c>[N]</c>; segments: concatenated), or empty for one-vs-rest.</param>
    /// <param name="classLabels">One-vs-rest class labels <c>[N]</c>, or empty.</param>
    /// <param name="offsets">CSR offsets <c>[S + 1]</c> starting at 0, or empty for dense modes.</param>
    /// <param name="parameters">Per-launch constants.</param>
    /// <param name="items">Sort items, one per element.</param>
    /// <param name="tags">Tags of 64-bit keys, one per element, or empty for packed keys.</param>
    /// <param name="counts"><c>[S]</c> per-segment counts.</param>
    public static void Run<TScore, TKey>(
        ArrayView<TScore> scores,
        ArrayView<byte> labels,
        ArrayView<int> classLabels,
        ArrayView<int> offsets,
        RankingKeyBuildParameters parameters,
        ArrayView<ulong> items,
        ArrayView<uint> tags,
        ArrayView<RankingCounts> counts)
        where TScore : unmanaged
        where TKey : struct, IRankingKeyOps<TScore>
    {
        ArrayView<RankingCounts> shared = SharedMemory.Allocate<RankingCounts>(MaxGroupSize);
        int thread = Group.IdxX;
        int keyBits = TKey.KeyBits;
        bool packed = keyBits < 64;
        ulong nanLow = packed ? (1ul << (keyBits + 1)) - 1 : 0;
        for (int segment = Grid.IdxX; segment < parameters.Segments; segment += Grid.DimX)
        {
            bool dense = parameters.Mode != 2;
            long start = dense ? (long)segment * parameters.Samples : offsets[segment];
            int length = dense ? parameters.Samples : offsets[segment + 1] - offsets[segment];
            RankingCounts own = default;
            for (int j = thread; j < length; j += Group.DimX)
            {
                long index = dense ? (segment * parameters.SegmentStride) + (j * parameters.ElementStride) : start + j;
                int label = parameters.Mode == 0 ? labels[j]
                    : parameters.Mode == 1 ? (classLabels[j] == segment ? 1 : 0)
                    : labels[start + j];
                TScore score = scores[index];
                bool nan = TKey.IsNaN(score);
                long position = start + j;
                if (packed)
                {
                    ulong low = nan ? nanLow : (TKey.Key(score) << 1) | (uint)label;
                    items[position] = ((ulong)segment << (keyBits + 1)) | low;
                }
                else
                {
                    items[position] = nan ? RankingKey.NaNKey64 : TKey.Key(score);
                    tags[position] = ((uint)segment << 1) | (uint)label;
                }

                if (nan)
                {
                    own.NaNPositives += label;
                    own.NaNNegatives += 1 - label;
                }
                else
                {
                    own.Positives += label;
                    own.Negatives += 1 - label;
                }
            }

            RankingCounts total = GroupTree.Reduce<RankingCounts, RankingCountsMerge>(shared, own);
            if (thread == 0)
            {
                counts[segment] = total;
            }
        }
    }
}
