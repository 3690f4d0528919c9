using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.ScanReduceOperations;
using ILGPU.Runtime;
using UqKernels.Kernels.Ranking;

namespace UqKernels;

/// <summary>
/// The device pipeline of exact AUROC/AP (uq_metrics.md §2.2 "GPU pipeline", §2.3): (1) <see cref="RankingKeyBuildKernel"/>
/// writes segment-major sort items and per-segment class/NaN counts, which come back so the host applies the NaN policy;
/// (2) <see cref="RankingRadixKernel"/>'s 8-bit LSD radix sort orders items by (segment, key, label); (3) negatives are
/// flagged and exclusive-scanned (ILGPU.Algorithms scan); (4) <see cref="RankingReduceKernel"/> reduces every segment's
/// exact int64 <c>2U</c> and its AP sum in fixed per-part trees, and the host adds the parts in order. Integer results
/// equal the CPU path's bit for bit; everything is deterministic. ILGPU scratch slots 90–99.
/// </summary>
internal static unsafe class IlgpuRanking
{
    private const int ScoresSlot = 90;
    private const int LabelsSlot = 91;
    private const int OffsetsSlot = 92;
    private const int ItemsSlot = 93;
    private const int ItemsAltSlot = 94;
    private const int TagsSlot = 95;
    private const int TagsAltSlot = 96;
    private const int CountsSlot = 97;
    private const int HistogramSlot = 98;
    private const int TempSlot = 99;

    /// <summary>Elements per radix tile per thread (tile = group size × this).</summary>
    private const int ItemsPerThread = 256;

    /// <summary>Elements per reduction part.</summary>
    private const int ReduceChunk = 1 << 16;

    /// <summary>The device path handles up to 2^31 − 1 elements in all (int scan) and segment ids that fit the items.</summary>
    public static bool Supports(in RankingProblem problem)
    {
        long total = TotalElements(problem);
        int keyBits = problem.ScoreType switch
        {
            RankingScoreType.Float32 => 32,
            RankingScoreType.Float64 => 0, // tags carry the segment
            _ => 16,
        };
        return total < int.MaxValue && keyBits + 1 + SegmentBits(problem.SegmentCount) <= 64 && problem.SegmentCount < (1 << 30);
    }

    public static void Run(IlgpuDevice device, in RankingProblem problem, RankingBatchResult result)
    {
        switch (problem.ScoreType)
        {
            case RankingScoreType.Float32:
                Run<float, Float32KeyOps>(device, problem, result);
                break;
            case RankingScoreType.Float64:
                Run<double, Float64KeyOps>(device, problem, result);
                break;
            case RankingScoreType.Half:
                Run<ushort, HalfKeyOps>(device, problem, result);
                break;
            default:
                Run<ushort, BFloat16KeyOps>(device, problem, result);
                break;
        }
    }

    private static long TotalElements(in RankingProblem problem) =>
        problem.Mode == RankingMode.Segments
            ? problem.Offsets[problem.SegmentCount] - problem.Offsets[0]
            : (long)problem.Samples * problem.SegmentCount;

    private static int SegmentBits(int segments) => segments <= 1 ? 0 : 32 - int.LeadingZeroCount(segments - 1);

    private static void Run<TScore, TKey>(IlgpuDevice device, in RankingProblem problem, RankingBatchResult result)
        where TScore : unmanaged
        where TKey : struct, IRankingKeyOps<TScore>
    {
        AcceleratorStream stream = device.Stream;
        int segments = problem.SegmentCount;
        int n = (int)TotalElements(problem);
        bool wide = TKey.KeyBits == 64;
        bool csr = problem.Mode == RankingMode.Segments;
        int segmentBits = SegmentBits(segments);

        // Upload: scores (the CSR range only, offsets rebased to 0), labels, offsets.
        long scoreBase = csr ? problem.Offsets[0] : 0;
        ArrayView<TScore> scores = device.Scratch<TScore>(ScoresSlot, n);
        scores.CopyFromCPU(stream, new ReadOnlySpan<TScore>((TScore*)problem.Scores + scoreBase, n));
        ArrayView<byte> labels = default;
        ArrayView<int> classLabels = default;
        ArrayView<int> offsets = default;
        int maxLength = problem.Samples;
        if (problem.Mode == RankingMode.OneVsRest)
        {
            classLabels = device.Scratch<int>(LabelsSlot, problem.Samples);
            classLabels.CopyFromCPU(stream, new ReadOnlySpan<int>(problem.ClassLabels, problem.Samples));
        }
        else
        {
            int labelCount = csr ? n : problem.Samples;
            labels = device.Scratch<byte>(LabelsSlot, labelCount);
            labels.CopyFromCPU(stream, new ReadOnlySpan<byte>(problem.Labels + scoreBase, labelCount));
        }

        if (csr)
        {
            int[] rebased = new int[segments + 1];
            maxLength = 0;
            for (int s = 0; s <= segments; s++)
            {
                rebased[s] = problem.Offsets[s] - (int)scoreBase;
                if (s > 0)
                {
                    maxLength = Math.Max(maxLength, rebased[s] - rebased[s - 1]);
                }
            }

            offsets = device.Scratch<int>(OffsetsSlot, segments + 1);
            offsets.CopyFromCPU(stream, rebased);
        }

        // Every scratch size up front, so no slot is reallocated while queued work may still use it.
        int groupSize = device.ReductionGroupSize(Math.Max(n, 1), RankingRadixKernel.MaxGroupSize);
        int tile = groupSize * ItemsPerThread;
        int tiles = Math.Max(1, (n + tile - 1) / tile);
        int histogramLength = RankingRadixKernel.Buckets * tiles;
        int parts = Math.Max(1, (maxLength + ReduceChunk - 1) / ReduceChunk);
        long histogramBytes = Math.Max(2L * histogramLength * sizeof(int), (long)segments * parts * sizeof(RankingPartial));
        long tempLength = Math.Max(
            device.Accelerator.ComputeScanTempStorageSize<int>(histogramLength),
            device.Accelerator.ComputeScanTempStorageSize<int>(Math.Max(n, 1)));
        _ = device.Scratch<byte>(HistogramSlot, histogramBytes);
        ArrayView<int> temp = device.Scratch<int>(TempSlot, tempLength);
        ArrayView<ulong> items = device.Scratch<ulong>(ItemsSlot, n);
        ArrayView<ulong> itemsAlt = device.Scratch<ulong>(ItemsAltSlot, n);
        ArrayView<uint> tags = wide ? device.Scratch<uint>(TagsSlot, n) : default;
        ArrayView<uint> tagsAlt = wide ? device.Scratch<uint>(TagsAltSlot, n) : default;
        ArrayView<RankingCounts> counts = device.Scratch<RankingCounts>(CountsSlot, segments);

        // 1. Keys and counts.
        var build = new RankingKeyBuildParameters
        {
            Mode = (int)problem.Mode,
            Segments = segments,
            Samples = problem.Samples,
            SegmentStride = problem.IsRowMajor ? 1 : problem.Samples,
            ElementStride = problem.IsRowMajor ? segments : 1,
            SegmentBits = segmentBits,
        };
        Action<ArrayView<TScore>, ArrayView<byte>, ArrayView<int>, ArrayView<int>, RankingKeyBuildParameters, ArrayView<ulong>, ArrayView<uint>, ArrayView<RankingCounts>>
            keyKernel = RankingKeyBuildKernel.Run<TScore, TKey>;
        var keyLauncher = device.GetKernel(keyKernel, accelerator => accelerator.LoadKernel(keyKernel));
        int buildGroup = device.ReductionGroupSize(Math.Max(maxLength, 1), RankingKeyBuildKernel.MaxGroupSize);
        keyLauncher(
            stream, new KernelConfig(Math.Min(segments, 1 << 16), buildGroup), scores, labels, classLabels, offsets, build,
            items, tags, counts);
        var hostCounts = new RankingCounts[segments];
        counts.CopyToCPU(stream, hostCounts);
        stream.Synchronize();
        var totals = new SegmentTotals[segments];
        for (int s = 0; s < segments; s++)
        {
            totals[s] = new SegmentTotals
            {
                Positives = hostCounts[s].Positives,
                Negatives = hostCounts[s].Negatives,
                NaNPositives = hostCounts[s].NaNPositives,
                NaNNegatives = hostCounts[s].NaNNegatives,
            };
        }

        CpuRanking.ThrowOnNaN(problem, totals);

        if (n > 0)
        {
            // 2. Sort by (segment, key, label).
            bool swapped = Sort(device, items, itemsAlt, tags, tagsAlt, n, wide ? 64 : TKey.KeyBits + 1 + segmentBits, wide ? segmentBits : 0, groupSize, tile, tiles, temp);
            if (swapped)
            {
                (items, itemsAlt) = (itemsAlt, items);
                (tags, tagsAlt) = (tagsAlt, tags);
            }

            // 3. negBefore = exclusive scan of the negative flags (in the free item buffer, viewed as 2n ints).
            ArrayView<int> spare = itemsAlt.Cast<int>();
            ArrayView<int> flags = spare.SubView(0, n);
            ArrayView<int> negBefore = spare.SubView(n, n);
            Action<Index1D, ArrayView<ulong>, ArrayView<uint>, ArrayView<int>> flagKernel = RankingReduceKernel.NegativeFlags;
            var flagLauncher = device.GetKernel(flagKernel, accelerator => accelerator.LoadAutoGroupedKernel(flagKernel));
            flagLauncher(stream, n, items, tags, flags);
            Scan(device)(stream, flags, negBefore, temp);

            // 4. Per-(segment, part) reduction.
            var reduce = new RankingReduceParameters
            {
                Csr = csr ? 1 : 0,
                Samples = problem.Samples,
                Segments = segments,
                Parts = parts,
                Chunk = ReduceChunk,
                Wide = wide ? 1 : 0,
            };
            ArrayView<RankingPartial> partials = device.Scratch<RankingPartial>(HistogramSlot, (long)segments * parts);
            Action<ArrayView<ulong>, ArrayView<uint>, ArrayView<int>, ArrayView<int>, ArrayView<RankingCounts>, RankingReduceParameters, ArrayView<RankingPartial>>
                reduceKernel = RankingReduceKernel.Run;
            var reduceLauncher = device.GetKernel(reduceKernel, accelerator => accelerator.LoadKernel(reduceKernel));
            int reduceGroup = device.ReductionGroupSize(Math.Min(Math.Max(maxLength, 1), ReduceChunk), RankingReduceKernel.MaxGroupSize);
            reduceLauncher(
                stream, new KernelConfig(Math.Min(segments * parts, 1 << 16), reduceGroup), items, tags, negBefore, offsets,
                counts, reduce, partials);
            var hostPartials = new RankingPartial[segments * parts];
            partials.CopyToCPU(stream, hostPartials);
            stream.Synchronize();
            for (int s = 0; s < segments; s++)
            {
                for (int p = 0; p < parts; p++)
                {
                    totals[s].TwiceU += hostPartials[(s * parts) + p].TwiceU;
                    totals[s].ApSum += hostPartials[(s * parts) + p].Ap;
                }
            }
        }

        for (int s = 0; s < segments; s++)
        {
            RankingFinish.Store(result, s, totals[s], problem.NanPolicy);
        }
    }

    /// <summary>
    /// LSD radix sort of <paramref name="items"/> (and <paramref name="tags"/>) by <paramref name="itemBits"/> item bits,
    /// then <paramref name="tagBits"/> tag bits above the tag's label bit. Returns true when the result is in the
    /// alternate buffers.
    /// </summary>
    internal static bool Sort(
        IlgpuDevice device,
        ArrayView<ulong> items,
        ArrayView<ulong> itemsAlt,
        ArrayView<uint> tags,
        ArrayView<uint> tagsAlt,
        int n,
        int itemBits,
        int tagBits,
        int groupSize,
        int tile,
        int tiles,
        ArrayView<int> temp)
    {
        AcceleratorStream stream = device.Stream;
        int histogramLength = RankingRadixKernel.Buckets * tiles;
        ArrayView<int> histogramArea = device.Scratch<int>(HistogramSlot, 2L * histogramLength);
        ArrayView<int> histogram = histogramArea.SubView(0, histogramLength);
        ArrayView<int> offsets = histogramArea.SubView(histogramLength, histogramLength);
        Action<ArrayView<ulong>, ArrayView<uint>, RankingRadixPass, ArrayView<int>> histogramKernel = RankingRadixKernel.Histogram;
        var histogramLauncher = device.GetKernel(histogramKernel, accelerator => accelerator.LoadKernel(histogramKernel));
        Action<ArrayView<ulong>, ArrayView<uint>, ArrayView<ulong>, ArrayView<uint>, RankingRadixPass, ArrayView<int>> scatterKernel =
            RankingRadixKernel.Scatter;
        var scatterLauncher = device.GetKernel(scatterKernel, accelerator => accelerator.LoadKernel(scatterKernel));
        var scan = Scan(device);
        var config = new KernelConfig(tiles, groupSize);
        bool swapped = false;
        int itemPasses = (itemBits + RankingRadixKernel.DigitBits - 1) / RankingRadixKernel.DigitBits;
        int tagPasses = (tagBits + RankingRadixKernel.DigitBits - 1) / RankingRadixKernel.DigitBits;
        for (int p = 0; p < itemPasses + tagPasses; p++)
        {
            bool fromTags = p >= itemPasses;
            var pass = new RankingRadixPass
            {
                Count = n,
                Tile = tile,
                Groups = tiles,
                Shift = fromTags ? 1 + ((p - itemPasses) * RankingRadixKernel.DigitBits) : p * RankingRadixKernel.DigitBits,
                FromTags = fromTags ? 1 : 0,
            };
            histogramLauncher(stream, config, items, tags, pass, histogram);
            scan(stream, histogram, offsets, temp);
            scatterLauncher(stream, config, items, tags, itemsAlt, tagsAlt, pass, offsets);
            (items, itemsAlt) = (itemsAlt, items);
            (tags, tagsAlt) = (tagsAlt, tags);
            swapped = !swapped;
        }

        return swapped;
    }

    private static Scan<int, Stride1D.Dense, Stride1D.Dense> Scan(IlgpuDevice device)
    {
        Action key = ScanCacheKey;
        return device.GetKernel(
            key, accelerator => accelerator.CreateScan<int, Stride1D.Dense, Stride1D.Dense, AddInt32>(ScanKind.Exclusive));
    }

    /// <summary>Identifies the cached exclusive int scan in <see cref="IlgpuDevice.GetKernel"/>.</summary>
    private static void ScanCacheKey()
    {
    }
}
