using System.Numerics;
using System.Numerics.Tensors;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;

namespace UqKernels.Cpu;

/// <summary>
/// Fills a <see cref="SoftmaxRowState{T}"/> for one row with SIMD: a max/arg-max pass, then blocks of
/// shift → exp → sums that stay in L1. The state is finalized by the same scalar code the device kernels use.
/// </summary>
internal static class CpuSoftmaxRow
{
    /// <summary>Block of a row processed at a time: 4,096 elements keep both scratch blocks in L1/L2.</summary>
    public const int BlockSize = 4096;

    /// <summary>What the caller needs beyond <c>m, s, t</c> and the top-2.</summary>
    [Flags]
    public enum Extras
    {
        None = 0,
        SumOfSquares = 1,
        SumOfLogits = 2,
        LabelRank = 4,
    }

    /// <summary>
    /// The state of <paramref name="row"/> (already in the compute type and temperature-scaled). Block sums are
    /// accumulated in f64 so long rows (LLM vocabularies) keep f32 block error only (uq_metrics.md §1.8).
    /// </summary>
    /// <param name="row">The logits.</param>
    /// <param name="label">The label column, or −1.</param>
    /// <param name="extras">Optional sums to compute.</param>
    /// <param name="shifted">Scratch of at least min(C, <see cref="BlockSize"/>) elements.</param>
    /// <param name="exps">Scratch of the same size.</param>
    public static SoftmaxRowState<T> Build<T, TReal>(
        ReadOnlySpan<T> row, int label, Extras extras, Span<T> shifted, Span<T> exps)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        SoftmaxRowState<T> state = SoftmaxRowState<T>.Empty;
        T max = TensorPrimitives.Max(row);
        if (T.IsNaN(max) || max == T.PositiveInfinity)
        {
            state.InvalidCount = 1;
            return state;
        }

        if ((extras & Extras.LabelRank) != 0 && label >= 0)
        {
            T labelLogit = row[label];
            state.LabelRank = SimdCount.Above(row, labelLogit, orEqual: false)
                + SimdCount.Above(row[..label], labelLogit, orEqual: true)
                - SimdCount.Above(row[..label], labelLogit, orEqual: false);
        }

        if ((extras & Extras.SumOfLogits) != 0)
        {
            state.SumLogits = TensorPrimitives.Sum(row);
        }

        if (max == T.NegativeInfinity)
        {
            return state;
        }

        int argMax = TensorPrimitives.IndexOfMax(row);
        T second = T.NegativeInfinity;
        if (argMax > 0)
        {
            second = TensorPrimitives.Max(row[..argMax]);
        }

        if (argMax < row.Length - 1)
        {
            T right = TensorPrimitives.Max(row[(argMax + 1)..]);
            second = right > second ? right : second;
        }

        bool hasNegativeInfinity = TensorPrimitives.Min(row) == T.NegativeInfinity;
        double sum = 0, shiftedSum = 0, squares = 0;
        T clamp = -TReal.MaxFinite;
        for (int start = 0; start < row.Length; start += BlockSize)
        {
            ReadOnlySpan<T> block = row.Slice(start, Math.Min(BlockSize, row.Length - start));
            Span<T> u = shifted[..block.Length];
            Span<T> e = exps[..block.Length];
            TensorPrimitives.Subtract(block, max, u);
            if (hasNegativeInfinity)
            {
                // −∞ − m = −∞ would make u·e^u = −∞·0 = NaN; the largest finite negative gives −0 instead.
                TensorPrimitives.Max(u, clamp, u);
            }

            TensorPrimitives.Exp(u, e);
            sum += TReal.ToDouble(TensorPrimitives.Sum<T>(e));
            shiftedSum += TReal.ToDouble(TensorPrimitives.Dot<T>(u, e));
            if ((extras & Extras.SumOfSquares) != 0)
            {
                squares += TReal.ToDouble(TensorPrimitives.SumOfSquares<T>(e));
            }
        }

        state.Max = max;
        state.Second = second;
        state.ArgMax = argMax;
        state.SumExp = TReal.FromDouble(sum);
        state.SumShiftedExp = TReal.FromDouble(shiftedSum);
        state.SumExpSquared = TReal.FromDouble(squares);
        return state;
    }
}
