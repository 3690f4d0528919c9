using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using UqKernels.Cpu;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;

namespace UqKernels;

/// <summary>
/// The soft-target cross-entropy on the managed SIMD backend: rows in parallel chunks; each row is a SIMD max pass, then
/// blocks of shift → exp → sums (the <see cref="CpuSoftmaxRow"/> scheme) that fill a <see cref="SoftTargetRowState{T}"/>,
/// finalized by the same scalar code as the device kernel.
/// </summary>
internal static unsafe class CpuSoftTargetCrossEntropy
{
    public static void Run<T, TReal>(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, MatrixShape shape, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        fixed (T* logitsPointer = logits, targetsPointer = targets, destinationPointer = destination)
        {
            T* x = logitsPointer, t = targetsPointer, output = destinationPointer;
            int logitsLength = logits.Length, targetsLength = targets.Length;
            CpuParallel.ForRowRanges(shape.Rows, 2L * shape.Columns, (start, end) =>
                RunRows<T, TReal>(
                    new ReadOnlySpan<T>(x, logitsLength), new ReadOnlySpan<T>(t, targetsLength), shape, start, end,
                    output));
        }
    }

    private static void RunRows<T, TReal>(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, MatrixShape shape, int start, int end, T* output)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        int columns = shape.Columns;
        int blockLength = Math.Min(columns, CpuSoftmaxRow.BlockSize);
        T[] scratch = ArrayPool<T>.Shared.Rent(2 * blockLength);
        try
        {
            Span<T> shifted = scratch.AsSpan(0, blockLength);
            Span<T> exps = scratch.AsSpan(blockLength, blockLength);
            for (int row = start; row < end; row++)
            {
                int offset = (int)(row * shape.RowStride);
                SoftTargetRowState<T> state = Build<T, TReal>(
                    logits.Slice(offset, columns), targets.Slice(offset, columns), shifted, exps);
                output[row] = SoftTargetCrossEntropy.Finalize<T, TReal>(state);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// The state of one row. Block sums of <c>e^u</c>, <c>t·u</c> and <c>t</c> (<c>u = x − m</c>) are accumulated in f64, so
    /// long rows keep f32 block error only (uq_metrics.md §1.8).
    /// </summary>
    internal static SoftTargetRowState<T> Build<T, TReal>(
        ReadOnlySpan<T> row, ReadOnlySpan<T> targets, Span<T> shifted, Span<T> exps)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        SoftTargetRowState<T> state = SoftTargetRowState<T>.Empty;
        T max = TensorPrimitives.Max(row);
        if (T.IsNaN(max) || max == T.PositiveInfinity)
        {
            state.Softmax.InvalidCount = 1;
            return state;
        }

        if (max == T.NegativeInfinity)
        {
            return state;
        }

        bool hasNegativeInfinity = TensorPrimitives.Min(row) == T.NegativeInfinity;
        if (hasNegativeInfinity)
        {
            // A positive target on a −∞ logit has probability 0: the result is +∞. Rare, so a scalar scan.
            for (int c = 0; c < row.Length; c++)
            {
                if (row[c] == T.NegativeInfinity && targets[c] != T.Zero)
                {
                    state.TargetsOnZeroProbability++;
                }
            }
        }

        double sum = 0, dot = 0, targetSum = 0;
        T clamp = -TReal.MaxFinite;
        for (int start = 0; start < row.Length; start += CpuSoftmaxRow.BlockSize)
        {
            int length = Math.Min(CpuSoftmaxRow.BlockSize, row.Length - start);
            ReadOnlySpan<T> block = row.Slice(start, length);
            ReadOnlySpan<T> weights = targets.Slice(start, length);
            Span<T> u = shifted[..length];
            Span<T> e = exps[..length];
            TensorPrimitives.Subtract(block, max, u);
            if (hasNegativeInfinity)
            {
                // −∞ − m would make 0·u = NaN for a zero target; the largest finite negative gives −0 instead (a
                // positive target there was counted above and decides the result).
                TensorPrimitives.Max(u, clamp, u);
            }

            TensorPrimitives.Exp(u, e);
            sum += TReal.ToDouble(TensorPrimitives.Sum<T>(e));
            dot += TReal.ToDouble(TensorPrimitives.Dot<T>(weights, u));
            targetSum += TReal.ToDouble(TensorPrimitives.Sum<T>(weights));
        }

        state.Softmax.Max = max;
        state.Softmax.SumExp = TReal.FromDouble(sum);
        state.TargetDot = TReal.FromDouble(dot);
        state.TargetSum = TReal.FromDouble(targetSum);
        return state;
    }
}
