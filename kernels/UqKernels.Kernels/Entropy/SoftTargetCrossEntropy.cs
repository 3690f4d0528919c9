using System.Numerics;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Entropy;

/// <summary>
/// The one-pass state of the soft-target cross-entropy of one row (uq_metrics.md §1.3): the online softmax state of
/// the logits plus <c>W = Σ t_c</c> and <c>D = Σ t_c·(x_c − m)</c> over the finite logits, in coordinates shifted by
/// the running maximum <c>m</c> (so <c>D ≤ 0</c> for non-negative targets and no term cancels).
/// </summary>
/// <remarks>
/// When the maximum grows from <c>m</c> to <c>m'</c>, <c>D</c> is re-expressed as <c>D + (m − m')·W</c>, exactly as
/// <see cref="SoftmaxRowState{T}"/> rescales its sums. A target on a <c>−∞</c> logit is counted in
/// <see cref="TargetsOnZeroProbability"/> (its term <c>−t·log 0</c> is +∞) and a zero target never contributes, so
/// <c>0·(−∞)</c> is never evaluated. The same code runs in <see cref="SoftTargetCrossEntropyKernel"/> (one state per
/// thread, merged in a tree) and on the CPU (where SIMD block sums fill the fields directly).
/// </remarks>
/// <typeparam name="T">The compute type.</typeparam>
public struct SoftTargetRowState<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The online softmax state of the logits (maximum, <c>s = Σ e^(x−m)</c>, invalid-element count).</summary>
    public SoftmaxRowState<T> Softmax;

    /// <summary><c>W = Σ t_c</c> over the columns whose logit is finite.</summary>
    public T TargetSum;

    /// <summary><c>D = Σ t_c·(x_c − m)</c> over the columns whose logit is finite (≤ 0 for non-negative targets).</summary>
    public T TargetDot;

    /// <summary>Number of positive targets on a <c>−∞</c> logit (probability 0): any makes the cross-entropy +∞.</summary>
    public int TargetsOnZeroProbability;

    /// <summary>The empty state.</summary>
    public static SoftTargetRowState<T> Empty => new() { Softmax = SoftmaxRowState<T>.Empty };

    /// <summary>
    /// Adds column <paramref name="index"/> with logit <paramref name="x"/> and target <paramref name="target"/>
    /// (finite, ≥ 0). Columns of one state must arrive in increasing index order; use <see cref="Merge"/> across streams.
    /// </summary>
    public void Push<TReal>(T x, T target, int index)
        where TReal : struct, IReal<T>
    {
        T oldMax = Softmax.Max;
        Softmax.Push<TReal>(x, index, T.Zero, -1);
        if (T.IsNaN(x) || x == T.PositiveInfinity)
        {
            return;
        }

        if (x == T.NegativeInfinity)
        {
            if (target != T.Zero)
            {
                TargetsOnZeroProbability++;
            }

            return;
        }

        T max = Softmax.Max;
        if (TargetSum != T.Zero && max > oldMax)
        {
            // W ≠ 0 implies an earlier finite logit, so the old maximum is finite here.
            TargetDot += (oldMax - max) * TargetSum;
        }

        if (target != T.Zero)
        {
            TargetSum += target;
            TargetDot += target * (x - max);
        }
    }

    /// <summary>Combines another partial state into this one (associative; the empty state is the identity).</summary>
    public void Merge<TReal>(in SoftTargetRowState<T> other)
        where TReal : struct, IReal<T>
    {
        T thisMax = Softmax.Max;
        Softmax.Merge<TReal>(other.Softmax);
        T max = Softmax.Max;
        T dot = TargetDot + other.TargetDot;
        if (TargetSum != T.Zero)
        {
            dot += (thisMax - max) * TargetSum;
        }

        if (other.TargetSum != T.Zero)
        {
            dot += (other.Softmax.Max - max) * other.TargetSum;
        }

        TargetDot = dot;
        TargetSum += other.TargetSum;
        TargetsOnZeroProbability += other.TargetsOnZeroProbability;
    }
}

/// <summary>Finalization of the soft-target cross-entropy state (uq_metrics.md §1.3, <c>soft-target CE</c>).</summary>
public static class SoftTargetCrossEntropy
{
    /// <summary>
    /// <c>−Σ_c t_c log p_c</c> from a complete row state, evaluated as <c>W·ln s − D = Σ_c t_c·(ln s − (x_c − m))</c>: a sum
    /// of non-negative terms, so there is no cancellation even for logits near 1000 in f32 (where <c>lse − Σ t·x</c>
    /// cancels). When the targets sum to 1 this equals <c>lse − Σ_c t_c x_c</c>; otherwise it is
    /// <c>W·lse − Σ t·x</c> (targets are not renormalised), which differs from <c>lse − Σ t·x</c> by <c>(W − 1)·lse</c>.
    /// </summary>
    public static T Finalize<T, TReal>(in SoftTargetRowState<T> state)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        if (state.Softmax.InvalidCount != 0 || state.Softmax.SumExp == T.Zero)
        {
            return T.NaN;
        }

        if (state.TargetsOnZeroProbability != 0)
        {
            return T.PositiveInfinity;
        }

        return (state.TargetSum * TReal.Log(state.Softmax.SumExp)) - state.TargetDot;
    }
}

/// <summary><see cref="SoftTargetRowState{T}"/>'s merge as a group-reduction operator.</summary>
/// <typeparam name="T">The compute type.</typeparam>
/// <typeparam name="TReal">Its functions.</typeparam>
public readonly struct SoftTargetStateMerge<T, TReal> : IGroupMerge<SoftTargetRowState<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TReal : struct, IReal<T>
{
    /// <inheritdoc/>
    public static void Merge(ref SoftTargetRowState<T> target, in SoftTargetRowState<T> other) => target.Merge<TReal>(other);
}
