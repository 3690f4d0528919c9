using System.Numerics;
using ILGPU;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Calibration;

/// <summary>Per-launch constants of the calibration pass.</summary>
public struct CalibrationParameters
{
    /// <summary>Number of samples <c>N</c>.</summary>
    public int Count;

    /// <summary>Number of bins <c>K</c> (1 ≤ K ≤ <see cref="CalibrationBins.MaxBins"/>).</summary>
    public int Bins;

    /// <summary>Bin slots written per group: <see cref="CalibrationBins.BinSlots"/>.</summary>
    public int Slots;

    /// <summary>The bin-edge convention.</summary>
    public CalibrationBinRule Rule;

    /// <summary>Samples per group: group <c>g</c> handles <c>[g·Chunk, min(N, (g+1)·Chunk))</c>.</summary>
    public int Chunk;
}

/// <summary>
/// The calibration device kernel (uq_metrics.md §1.5): per-group partial bin sums, with no float atomics, so a run
/// is reproducible bit for bit. The host merges the <c>[groups, slots]</c> partials in group order and finalizes
/// with <see cref="CalibrationBins.Finalize"/>.
/// </summary>
public static class CalibrationKernel
{
    /// <summary>Largest group the kernel's shared-memory tiles are sized for; launches use a power of two ≤ this.</summary>
    public const int MaxGroupSize = 256;

    private const int MaxSlots = CalibrationBins.MaxBins + 1;

    /// <summary>
    /// Explicitly grouped kernel. Group <c>g</c> walks its contiguous chunk in tiles of <c>groupDim</c> samples: each
    /// thread bins one sample into shared memory, then thread <c>t</c> owns bins <c>t, t + groupDim, …</c> and adds
    /// the tile's samples of its bins in sample order (each bin has one writer: no atomics, fixed order). The
    /// per-thread log-probability and Brier sums are merged by a fixed shared-memory tree. All sums are f64.
    /// </summary>
    /// <param name="confidence"><c>[N]</c> confidences κ.</param>
    /// <param name="correct"><c>[N]</c> correctness c ∈ [0, 1].</param>
    /// <param name="parameters">Per-launch constants.</param>
    /// <param name="partials"><c>[groups · Slots]</c> per-group bin sums.</param>
    /// <param name="scores"><c>[groups · 2]</c> per-group <c>Σ log-prob term</c> and <c>Σ Brier term</c>.</param>
    public static void Run<T, TReal>(
        ArrayView<T> confidence,
        ArrayView<T> correct,
        CalibrationParameters parameters,
        ArrayView<CalibrationBinPartial> partials,
        ArrayView<double> scores)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        ArrayView<int> tileBin = SharedMemory.Allocate<int>(MaxGroupSize);
        ArrayView<double> tileConfidence = SharedMemory.Allocate<double>(MaxGroupSize);
        ArrayView<double> tileCorrect = SharedMemory.Allocate<double>(MaxGroupSize);
        ArrayView<CalibrationBinPartial> bins = SharedMemory.Allocate<CalibrationBinPartial>(MaxSlots);

        int thread = Group.IdxX;
        int groupSize = Group.DimX;
        int group = Grid.IdxX;
        int slots = parameters.Slots;
        for (int slot = thread; slot < slots; slot += groupSize)
        {
            bins[slot] = default;
        }

        long chunkStart = (long)group * parameters.Chunk;
        long chunkEnd = chunkStart + parameters.Chunk;
        chunkEnd = chunkEnd < parameters.Count ? chunkEnd : parameters.Count;
        var edges = new ComputedCalibrationEdges<T, TReal> { Bins = parameters.Bins };
        double sumLogProb = 0;
        double sumBrier = 0;
        for (long tileStart = chunkStart; tileStart < chunkEnd; tileStart += groupSize)
        {
            long index = tileStart + thread;
            int bin = -1;
            if (index < chunkEnd)
            {
                T kappa = confidence[index];
                double kappa64 = TReal.ToDouble(kappa);
                double correct64 = TReal.ToDouble(correct[index]);
                bin = CalibrationBins.BinIndex<T, TReal, ComputedCalibrationEdges<T, TReal>>(
                    kappa, parameters.Bins, parameters.Rule, edges);
                tileConfidence[thread] = kappa64;
                tileCorrect[thread] = correct64;
                sumLogProb += CalibrationBins.LogProbTerm(kappa64, correct64);
                sumBrier += CalibrationBins.BrierTerm(kappa64, correct64);
            }

            tileBin[thread] = bin;
            Group.Barrier();
            for (int slot = thread; slot < slots; slot += groupSize)
            {
                CalibrationBinPartial partial = bins[slot];
                for (int j = 0; j < groupSize; j++)
                {
                    if (tileBin[j] == slot)
                    {
                        partial.Count++;
                        partial.SumConfidence += tileConfidence[j];
                        partial.SumCorrect += tileCorrect[j];
                    }
                }

                bins[slot] = partial;
            }

            Group.Barrier();
        }

        for (int slot = thread; slot < slots; slot += groupSize)
        {
            partials[((long)group * slots) + slot] = bins[slot];
        }

        // Reuse the tile arrays for the fixed-order tree of the two score sums.
        tileConfidence[thread] = sumLogProb;
        tileCorrect[thread] = sumBrier;
        Group.Barrier();
        for (int offset = groupSize / 2; offset > 0; offset /= 2)
        {
            if (thread < offset)
            {
                tileConfidence[thread] += tileConfidence[thread + offset];
                tileCorrect[thread] += tileCorrect[thread + offset];
            }

            Group.Barrier();
        }

        if (thread == 0)
        {
            scores[2L * group] = tileConfidence[0];
            scores[(2L * group) + 1] = tileCorrect[0];
        }
    }
}
