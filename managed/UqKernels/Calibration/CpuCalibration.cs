using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using UqKernels.Kernels.Calibration;
using UqKernels.Kernels.Math;

namespace UqKernels;

/// <summary>
/// Calibration on the managed backend: fixed chunks (their size depends only on N, never on the core count) are
/// processed in parallel — bins with the shared scalar bin index, the proper-score sums with SIMD — then the
/// per-chunk partials are merged in chunk order, so results are reproducible on any machine.
/// </summary>
internal static unsafe class CpuCalibration
{
    /// <summary>Smallest chunk; below two chunks the call runs on the calling thread.</summary>
    private const int MinChunk = 16384;

    /// <summary>At most this many chunks (bounds the partials to 256 × (K+1) entries).</summary>
    private const int MaxChunks = 256;

    /// <summary>Samples per SIMD block (four f64 scratch blocks stay in L1/L2).</summary>
    private const int BlockSize = 1024;

    public static (double SumLogProb, double SumBrier) Run<T, TReal>(
        ReadOnlySpan<T> confidence,
        ReadOnlySpan<T> correct,
        CalibrationParameters parameters,
        Span<CalibrationBinPartial> bins)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        int count = confidence.Length;
        int chunk = Math.Max(MinChunk, (int)(((long)count + MaxChunks - 1) / MaxChunks));
        int chunks = (int)(((long)count + chunk - 1) / chunk);
        int slots = parameters.Slots;
        if (chunks <= 1)
        {
            return Accumulate<T, TReal>(confidence, correct, parameters, bins);
        }

        var partials = new CalibrationBinPartial[chunks * slots];
        var scores = new (double LogProb, double Brier)[chunks];
        fixed (T* confidencePointer = confidence, correctPointer = correct)
        {
            T* kappa = confidencePointer;
            T* c = correctPointer;
            Parallel.For(0, chunks, index =>
            {
                int start = index * chunk;
                int length = Math.Min(chunk, count - start);
                scores[index] = Accumulate<T, TReal>(
                    new ReadOnlySpan<T>(kappa + start, length),
                    new ReadOnlySpan<T>(c + start, length),
                    parameters,
                    partials.AsSpan(index * slots, slots));
            });
        }

        double sumLogProb = 0;
        double sumBrier = 0;
        for (int index = 0; index < chunks; index++)
        {
            for (int slot = 0; slot < slots; slot++)
            {
                bins[slot].Merge(partials[(index * slots) + slot]);
            }

            sumLogProb += scores[index].LogProb;
            sumBrier += scores[index].Brier;
        }

        return (sumLogProb, sumBrier);
    }

    /// <summary>
    /// Bins one chunk into <paramref name="bins"/> (added to, in sample order) with the shared
    /// <see cref="CalibrationBins.BinIndex{T, TReal, TEdges}"/> over a table of the same edges the device computes,
    /// and returns its score sums, computed with SIMD per block of <see cref="BlockSize"/> samples in f64:
    /// <c>Σ c ln κ̂ + (1−c) ln(1−κ̂) = c·ln κ̂ + Σ ln(1−κ̂) − c·ln(1−κ̂)</c> and
    /// <c>Σ κ² + c − 2κc = ‖κ‖² + Σ c − 2 κ·c</c> (the per-sample terms of <see cref="CalibrationBins"/>, summed).
    /// </summary>
    private static (double LogProb, double Brier) Accumulate<T, TReal>(
        ReadOnlySpan<T> confidence,
        ReadOnlySpan<T> correct,
        CalibrationParameters parameters,
        Span<CalibrationBinPartial> bins)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        var edges = TableCalibrationEdges<T>.Create<TReal>(parameters.Bins);
        double[] buffer = ArrayPool<double>.Shared.Rent(4 * BlockSize);
        try
        {
            double sumLogProb = 0;
            double sumBrier = 0;
            for (int start = 0; start < confidence.Length; start += BlockSize)
            {
                int length = Math.Min(BlockSize, confidence.Length - start);
                ReadOnlySpan<T> kappa = confidence.Slice(start, length);
                Span<double> kappa64 = buffer.AsSpan(0, length);
                Span<double> correct64 = buffer.AsSpan(BlockSize, length);
                Span<double> logKappa = buffer.AsSpan(2 * BlockSize, length);
                Span<double> logOneMinus = buffer.AsSpan(3 * BlockSize, length);
                TensorPrimitives.ConvertChecked<T, double>(kappa, kappa64);
                TensorPrimitives.ConvertChecked<T, double>(correct.Slice(start, length), correct64);
                for (int i = 0; i < length; i++)
                {
                    int bin = CalibrationBins.BinIndex<T, TReal, TableCalibrationEdges<T>>(
                        kappa[i], parameters.Bins, parameters.Rule, edges);
                    if (bin >= 0)
                    {
                        ref CalibrationBinPartial partial = ref bins[bin];
                        partial.Count++;
                        partial.SumConfidence += kappa64[i];
                        partial.SumCorrect += correct64[i];
                    }
                }

                TensorPrimitives.Max(kappa64, CalibrationBins.LogProbClampLow, logKappa);
                TensorPrimitives.Min(logKappa, CalibrationBins.LogProbClampHigh, logKappa);
                TensorPrimitives.Subtract(1.0, logKappa, logOneMinus);
                TensorPrimitives.Log(logKappa, logKappa);
                TensorPrimitives.Log(logOneMinus, logOneMinus);
                sumLogProb += TensorPrimitives.Dot(correct64, logKappa) + TensorPrimitives.Sum(logOneMinus)
                    - TensorPrimitives.Dot(correct64, logOneMinus);
                sumBrier += TensorPrimitives.SumOfSquares(kappa64) + TensorPrimitives.Sum(correct64)
                    - (2 * TensorPrimitives.Dot(kappa64, correct64));
            }

            return (sumLogProb, sumBrier);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }
}

/// <summary>The edges of one call as a table, filled by <see cref="CalibrationBins.Edge{T, TReal}"/> (identical to the device's).</summary>
internal readonly struct TableCalibrationEdges<T> : ICalibrationEdges<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _edges;

    private TableCalibrationEdges(T[] edges)
    {
        _edges = edges;
    }

    public static TableCalibrationEdges<T> Create<TReal>(int bins)
        where TReal : struct, IReal<T>
    {
        var edges = new T[bins + 1];
        for (int k = 0; k <= bins; k++)
        {
            edges[k] = CalibrationBins.Edge<T, TReal>(k, bins);
        }

        return new TableCalibrationEdges<T>(edges);
    }

    public T Edge(int k) => _edges[k];
}
