using System.Numerics;
using System.Runtime.CompilerServices;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Entropy;

/// <summary>Per-launch constants of the single-model row-statistics pass.</summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct RowStatisticsParameters<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Number of classes <c>C</c> (≥ 1).</summary>
    public int Columns;

    /// <summary><c>1/T</c> for temperature <c>T &gt; 0</c>; logits are loaded as <c>x·(1/T)</c>.</summary>
    public T InverseTemperature;

    /// <summary>The label value that marks a sample as excluded (PyTorch's −100 by default).</summary>
    public int IgnoreIndex;

    /// <summary><c>k</c> of top-k correctness (≥ 1).</summary>
    public int TopK;

    /// <summary>Label smoothing <c>ε ∈ [0, 1)</c> of the label-smoothed cross-entropy.</summary>
    public T LabelSmoothing;
}

/// <summary>All single-model per-row outputs of uq_metrics.md §1.3, finalized from a <see cref="SoftmaxRowState{T}"/>.</summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct RowStatisticsResult<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary><c>log Σ e^x</c>.</summary>
    public T Lse;

    /// <summary><c>H(p) = ln s − t/s</c>, in nats.</summary>
    public T Entropy;

    /// <summary>Maximum softmax probability <c>1/s</c>.</summary>
    public T Msp;

    /// <summary><c>p₍₁₎ − p₍₂₎ = (1 − e^(x₍₂₎ − x₍₁₎))/s</c>.</summary>
    public T ProbabilityMargin;

    /// <summary><c>x₍₁₎ − x₍₂₎</c> (+∞ when only one class is finite).</summary>
    public T LogitMargin;

    /// <summary><c>lse − x_y</c>; NaN when the label is ignored.</summary>
    public T Nll;

    /// <summary><c>Σ (p_c − 1[c=y])² = 1 − 2p_y + Σ p²</c>; NaN when the label is ignored.</summary>
    public T Brier;

    /// <summary>1 when the arg-max equals the label, else 0; NaN when the label is ignored.</summary>
    public T Top1Correct;

    /// <summary>1 when the label is within the top k of a stable descending sort, else 0; NaN when ignored.</summary>
    public T TopKCorrect;

    /// <summary><c>(1−ε)·NLL + ε·(lse − mean x)</c> (PyTorch semantics); NaN when the label is ignored.</summary>
    public T LabelSmoothedCrossEntropy;

    /// <summary>Lowest index of the maximum; −1 for an invalid row.</summary>
    public int ArgMax;
}

/// <summary>Finalization of the row state into the per-row outputs: the exact algebra of uq_metrics.md §1.2.</summary>
public static class RowStatistics
{
    /// <summary>
    /// Turns a complete row state into every per-row output. <paramref name="label"/> is the column of the true
    /// class, or −1 when there is none (ignored, absent or out of range): then the label outputs are NaN.
    /// </summary>
    public static RowStatisticsResult<T> Finalize<T, TReal>(
        in SoftmaxRowState<T> state, T labelLogit, int label, in RowStatisticsParameters<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        Finalize<T, TReal>(
            state,
            labelLogit,
            label,
            parameters,
            TReal.Log(state.SumExp),
            TReal.Exp(state.Second - state.Max),
            TReal.Exp(labelLogit - state.Max));

    /// <summary>
    /// <see cref="Finalize{T, TReal}(in SoftmaxRowState{T}, T, int, in RowStatisticsParameters{T})"/> with its three
    /// transcendentals supplied, so a caller can evaluate them for many rows at once (the CPU backend: one SIMD vector
    /// per group of rows instead of three calls into the C library per row). Only a valid row's values are read.
    /// </summary>
    /// <param name="state">The row's state.</param>
    /// <param name="labelLogit">The label's logit (any value when <paramref name="label"/> is −1).</param>
    /// <param name="label">The label's column, or −1.</param>
    /// <param name="parameters">The launch's parameters.</param>
    /// <param name="logSumExp"><c>ln s</c>.</param>
    /// <param name="secondRatio"><c>e^(x₍₂₎ − x₍₁₎)</c>.</param>
    /// <param name="labelRatio"><c>e^(x_y − x₍₁₎)</c> (read only when <paramref name="label"/> ≥ 0).</param>
    /// <remarks>Inlined into the CPU backend's row loop, which is compiled fully optimised once (no tier-0 calls).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RowStatisticsResult<T> Finalize<T, TReal>(
        in SoftmaxRowState<T> state,
        T labelLogit,
        int label,
        in RowStatisticsParameters<T> parameters,
        T logSumExp,
        T secondRatio,
        T labelRatio)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        RowStatisticsResult<T> result;
        T nan = T.NaN;
        if (state.InvalidCount != 0 || state.SumExp == T.Zero)
        {
            result.Lse = nan;
            result.Entropy = nan;
            result.Msp = nan;
            result.ProbabilityMargin = nan;
            result.LogitMargin = nan;
            result.Nll = nan;
            result.Brier = nan;
            result.Top1Correct = nan;
            result.TopKCorrect = nan;
            result.LabelSmoothedCrossEntropy = nan;
            result.ArgMax = -1;
            return result;
        }

        T inverseS = T.One / state.SumExp;
        result.Lse = state.Max + logSumExp;
        result.Entropy = logSumExp - state.SumShiftedExp * inverseS;
        result.Msp = inverseS;
        result.ProbabilityMargin = (T.One - secondRatio) * inverseS;
        result.LogitMargin = state.Max - state.Second;
        result.ArgMax = state.ArgMax;
        if (label < 0)
        {
            result.Nll = nan;
            result.Brier = nan;
            result.Top1Correct = nan;
            result.TopKCorrect = nan;
            result.LabelSmoothedCrossEntropy = nan;
            return result;
        }

        T shiftedLabel = labelLogit - state.Max;
        T nll = logSumExp - shiftedLabel;
        T probability = labelRatio * inverseS;
        result.Nll = nll;
        result.Brier = T.One - (probability + probability) + state.SumExpSquared * inverseS * inverseS;
        result.Top1Correct = state.ArgMax == label ? T.One : T.Zero;
        result.TopKCorrect = state.LabelRank < parameters.TopK ? T.One : T.Zero;
        T epsilon = parameters.LabelSmoothing;
        T meanLogit = state.SumLogits / TReal.FromInt64(parameters.Columns);
        result.LabelSmoothedCrossEntropy = epsilon == T.Zero
            ? nll
            : ((T.One - epsilon) * nll) + (epsilon * (result.Lse - meanLogit));
        return result;
    }

    /// <summary>
    /// The label column to use for a raw label, or −1 when it is ignored or outside <c>[0, C)</c>. Host entry points
    /// reject out-of-range labels before launching; this guard keeps device kernels from reading out of bounds.
    /// </summary>
    public static int EffectiveLabel(int rawLabel, int ignoreIndex, int columns) =>
        rawLabel == ignoreIndex || (uint)rawLabel >= (uint)columns ? -1 : rawLabel;
}
