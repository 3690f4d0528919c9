using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;

namespace UqKernels.Cpu;

/// <summary>
/// Fills a <see cref="SoftmaxRowState{T}"/> for one row with SIMD: an arg-max pass (which also finds NaN),
/// a top-2 pass, and one fused shift → exp → sums pass per block. The state is finalized by the same scalar code the device kernels use.
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
    public static SoftmaxRowState<T> Build<T, TReal>(ReadOnlySpan<T> row, int label, Extras extras)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        SoftmaxRowState<T> state = SoftmaxRowState<T>.Empty;

        // IndexOfMax returns the first NaN when there is one, so one pass finds the maximum, its lowest index and
        // whether the row is invalid.
        int argMax = TensorPrimitives.IndexOfMax(row);
        T max = row[argMax];
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

        double sum = 0, shiftedSum = 0, squares = 0;
        T first = T.NegativeInfinity, second = T.NegativeInfinity;
        for (int start = 0; start < row.Length; start += BlockSize)
        {
            ReadOnlySpan<T> block = row.Slice(start, Math.Min(BlockSize, row.Length - start));
            BlockSums<T> sums = FusedSums<T, TReal>(block, max);
            sum += TReal.ToDouble(sums.Sum);
            shiftedSum += TReal.ToDouble(sums.ShiftedSum);
            squares += TReal.ToDouble(sums.Squares);
            (first, second) = TopTwo(first, second, sums.First, sums.Second);
        }

        state.Max = max;
        state.Second = second;
        state.ArgMax = argMax;
        state.SumExp = TReal.FromDouble(sum);
        state.SumShiftedExp = TReal.FromDouble(shiftedSum);
        state.SumExpSquared = TReal.FromDouble(squares);
        return state;
    }

    /// <summary>
    /// One fused SIMD pass over a block: <c>u = max(x − m, −MaxFinite)</c>, <c>e = e^u</c>, the lane sums of <c>e</c>,
    /// <c>u·e</c> and <c>e²</c>, and lane-wise top-2 values. The clamp turns <c>−∞</c> logits into <c>e = 0</c>,
    /// <c>u·e = −0</c> instead of NaN. The row holds no NaN here (<see cref="Build"/> returned earlier), so the
    /// single-instruction <c>MaxNative</c>/<c>MinNative</c> are exact. Elements past the last whole vector go through
    /// the shared scalar <see cref="SoftmaxRowState{T}.AccumulateShifted"/>.
    /// </summary>
    private static BlockSums<T> FusedSums<T, TReal>(ReadOnlySpan<T> block, T max)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        var maxVector = new Vector<T>(max);
        var floor = new Vector<T>(-TReal.MaxFinite);
        Vector<T> sums = Vector<T>.Zero, shiftedSums = Vector<T>.Zero, squareSums = Vector<T>.Zero;
        var firsts = new Vector<T>(T.NegativeInfinity);
        Vector<T> seconds = firsts;
        ReadOnlySpan<Vector<T>> vectors = Vector.IsHardwareAccelerated
            ? MemoryMarshal.Cast<T, Vector<T>>(block)
            : default;
        foreach (Vector<T> x in vectors)
        {
            Vector<T> u = Vector.MaxNative(x - maxVector, floor);
            Vector<T> e = SimdExp.ExpOfNonPositive(u);
            sums += e;
            shiftedSums += u * e;
            squareSums += e * e;
            seconds = Vector.MaxNative(seconds, Vector.MinNative(firsts, x));
            firsts = Vector.MaxNative(firsts, x);
        }

        SoftmaxRowState<T> tail = SoftmaxRowState<T>.Empty;
        T first = T.NegativeInfinity, second = T.NegativeInfinity;
        for (int lane = 0; lane < Vector<T>.Count && vectors.Length > 0; lane++)
        {
            (first, second) = TopTwo(first, second, firsts[lane], seconds[lane]);
        }

        for (int i = vectors.Length * Vector<T>.Count; i < block.Length; i++)
        {
            T u = block[i] - max;
            tail.AccumulateShifted<TReal>(u > -TReal.MaxFinite ? u : -TReal.MaxFinite);
            (first, second) = TopTwo(first, second, block[i], T.NegativeInfinity);
        }

        return new BlockSums<T>(
            Vector.Sum(sums) + tail.SumExp, Vector.Sum(shiftedSums) + tail.SumShiftedExp,
            Vector.Sum(squareSums) + tail.SumExpSquared, first, second);
    }

    /// <summary>The two largest of the multiset {a₁, a₂, b₁, b₂} where a₁ ≥ a₂ and b₁ ≥ b₂ (a repeated maximum counts twice).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T First, T Second) TopTwo<T>(T first, T second, T otherFirst, T otherSecond)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (otherFirst > first)
        {
            return (otherFirst, first > otherSecond ? first : otherSecond);
        }

        return (first, otherFirst > second ? otherFirst : second);
    }

    /// <summary>Sums and top-2 values of one block.</summary>
    private readonly record struct BlockSums<T>(T Sum, T ShiftedSum, T Squares, T First, T Second);
}
