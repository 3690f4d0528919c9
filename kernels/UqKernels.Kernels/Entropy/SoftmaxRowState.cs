using System.Numerics;
using System.Runtime.CompilerServices;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Entropy;

/// <summary>
/// The one-pass (online softmax) state of one row of logits, in coordinates shifted by the running maximum
/// (uq_metrics.md §1.2): <c>m = max x</c>, <c>s = Σ e^(x−m)</c>, <c>t = Σ (x−m)·e^(x−m)</c>,
/// <c>q = Σ e^(2(x−m))</c>, the top-2 values, the arg-max, <c>Σ x</c> and the rank count of a given label.
/// </summary>
/// <remarks>
/// Element rules: <c>−∞</c> contributes probability exactly 0; NaN and <c>+∞</c> make the row invalid (its
/// outputs are NaN); a row with no finite element is invalid. A state with <c>s = 0</c> is the identity of
/// <see cref="Merge"/>, so no <c>(−∞)·0</c> is ever evaluated. The same code runs in the ILGPU kernels (one state
/// per thread, merged in a tree) and on the CPU (where SIMD lanes fill <see cref="AccumulateShifted"/> directly).
/// </remarks>
/// <typeparam name="T">The compute type.</typeparam>
public struct SoftmaxRowState<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Running maximum <c>m</c> (−∞ while empty).</summary>
    public T Max;

    /// <summary><c>s = Σ e^(x−m)</c>.</summary>
    public T SumExp;

    /// <summary><c>t = Σ (x−m)·e^(x−m)</c>, never positive.</summary>
    public T SumShiftedExp;

    /// <summary><c>q = Σ e^(2(x−m))</c>.</summary>
    public T SumExpSquared;

    /// <summary>Second largest value <c>x₍₂₎</c> (equal to the maximum when the maximum is repeated).</summary>
    public T Second;

    /// <summary><c>Σ x</c> over the non-NaN elements (label smoothing).</summary>
    public T SumLogits;

    /// <summary>Lowest index holding the maximum, −1 while empty.</summary>
    public int ArgMax;

    /// <summary>Number of NaN or +∞ elements seen.</summary>
    public int InvalidCount;

    /// <summary><c>#{c : x_c &gt; x_y} + #{c &lt; y : x_c = x_y}</c>: the label's 0-based position in a stable descending sort.</summary>
    public int LabelRank;

    /// <summary>The empty state.</summary>
    public static SoftmaxRowState<T> Empty
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new()
        {
            Max = T.NegativeInfinity,
            Second = T.NegativeInfinity,
            ArgMax = -1,
        };
    }

    /// <summary>
    /// Adds one element <paramref name="x"/> at column <paramref name="index"/>. Elements of one state must arrive
    /// in increasing index order (ties of the maximum keep the lowest index); use <see cref="Merge"/> across streams.
    /// </summary>
    /// <param name="x">The (temperature-scaled) logit.</param>
    /// <param name="index">Its column.</param>
    /// <param name="labelLogit">The label's logit <c>x_y</c> (any value when there is no label).</param>
    /// <param name="label">The label's column, or −1 for none.</param>
    public void Push<TReal>(T x, int index, T labelLogit, int label)
        where TReal : struct, IReal<T>
    {
        if (T.IsNaN(x) || x == T.PositiveInfinity)
        {
            InvalidCount++;
            return;
        }

        SumLogits += x;
        if (label >= 0 && (x > labelLogit || (x == labelLogit && index < label)))
        {
            LabelRank++;
        }

        if (x == T.NegativeInfinity)
        {
            return;
        }

        if (x > Max)
        {
            Rescale<TReal>(x);
            Second = Max;
            Max = x;
            ArgMax = index;
        }
        else if (x > Second)
        {
            Second = x;
        }

        AccumulateShifted<TReal>(x - Max);
    }

    /// <summary>Adds one shifted element <c>u = x − m</c> (<c>u ≤ 0</c>) to <c>s, t, q</c> without touching the maximum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AccumulateShifted<TReal>(T u)
        where TReal : struct, IReal<T>
    {
        T e = TReal.Exp(u);
        SumExp += e;
        SumShiftedExp += u * e;
        SumExpSquared += e * e;
    }

    /// <summary>Combines another partial state into this one (associative; the empty state is the identity).</summary>
    public void Merge<TReal>(in SoftmaxRowState<T> other)
        where TReal : struct, IReal<T>
    {
        InvalidCount += other.InvalidCount;
        LabelRank += other.LabelRank;
        SumLogits += other.SumLogits;
        if (other.SumExp == T.Zero)
        {
            return;
        }

        if (SumExp == T.Zero)
        {
            T keepSum = SumLogits;
            int keepInvalid = InvalidCount;
            int keepRank = LabelRank;
            this = other;
            SumLogits = keepSum;
            InvalidCount = keepInvalid;
            LabelRank = keepRank;
            return;
        }

        T second = Max < other.Max ? Max : other.Max;
        second = second > Second ? second : Second;
        second = second > other.Second ? second : other.Second;
        if (other.Max > Max || (other.Max == Max && other.ArgMax < ArgMax))
        {
            int argMax = other.ArgMax;
            if (other.Max > Max)
            {
                Rescale<TReal>(other.Max);
                Max = other.Max;
            }

            ArgMax = argMax;
        }

        T delta = other.Max - Max;
        T scale = TReal.Exp(delta);
        SumExp += scale * other.SumExp;
        SumShiftedExp += scale * (other.SumShiftedExp + delta * other.SumExp);
        SumExpSquared += scale * scale * other.SumExpSquared;
        Second = second;
    }

    /// <summary>Re-expresses <c>s, t, q</c> relative to a new, larger maximum.</summary>
    private void Rescale<TReal>(T newMax)
        where TReal : struct, IReal<T>
    {
        if (SumExp == T.Zero)
        {
            return;
        }

        T delta = Max - newMax;
        T scale = TReal.Exp(delta);
        SumShiftedExp = scale * (SumShiftedExp + delta * SumExp);
        SumExp *= scale;
        SumExpSquared *= scale * scale;
    }
}

/// <summary><see cref="SoftmaxRowState{T}.Merge"/> as a group-reduction operator.</summary>
/// <typeparam name="T">The compute type.</typeparam>
/// <typeparam name="TReal">Its functions.</typeparam>
public readonly struct SoftmaxStateMerge<T, TReal> : IGroupMerge<SoftmaxRowState<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TReal : struct, IReal<T>
{
    /// <inheritdoc/>
    public static void Merge(ref SoftmaxRowState<T> target, in SoftmaxRowState<T> other) => target.Merge<TReal>(other);
}
