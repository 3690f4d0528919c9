using System.Numerics;
using ILGPU;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Entropy;

/// <summary>Output views of the row-statistics kernel; an empty view means "not requested" and is never written.</summary>
/// <typeparam name="T">The compute (and output) type.</typeparam>
public struct RowStatisticsOutputViews<T>
    where T : unmanaged
{
    /// <summary><c>[B]</c> log-sum-exp.</summary>
    public ArrayView<T> Lse;

    /// <summary><c>[B]</c> entropy.</summary>
    public ArrayView<T> Entropy;

    /// <summary><c>[B]</c> maximum softmax probability.</summary>
    public ArrayView<T> Msp;

    /// <summary><c>[B]</c> probability margin.</summary>
    public ArrayView<T> ProbabilityMargin;

    /// <summary><c>[B]</c> logit margin.</summary>
    public ArrayView<T> LogitMargin;

    /// <summary><c>[B]</c> negative log-likelihood of the label.</summary>
    public ArrayView<T> Nll;

    /// <summary><c>[B]</c> multiclass Brier score.</summary>
    public ArrayView<T> Brier;

    /// <summary><c>[B]</c> top-1 correctness (0/1, NaN when ignored).</summary>
    public ArrayView<T> Top1Correct;

    /// <summary><c>[B]</c> top-k correctness (0/1, NaN when ignored).</summary>
    public ArrayView<T> TopKCorrect;

    /// <summary><c>[B]</c> label-smoothed cross-entropy.</summary>
    public ArrayView<T> LabelSmoothedCrossEntropy;

    /// <summary><c>[B]</c> arg-max (−1 for an invalid row).</summary>
    public ArrayView<int> ArgMax;
}

/// <summary>The single-model row-statistics device kernel (uq_metrics.md §1.2–1.3).</summary>
public static class RowStatisticsKernel
{
    /// <summary>Largest group the kernel's shared-memory tree is sized for; launches use a power of two ≤ this.</summary>
    public const int MaxGroupSize = 256;

    /// <summary>
    /// Explicitly grouped kernel: group <c>g</c> handles rows <c>g, g + gridDim, …</c>; thread <c>i</c> of a group streams
    /// columns <c>i, i + groupDim, …</c> into its own online state, then the group merges the states in a fixed
    /// shared-memory tree (deterministic; no float atomics) and thread 0 writes the outputs.
    /// </summary>
    /// <param name="logits">Row-major logits; row <c>r</c> starts at <c>r·rowStride</c>.</param>
    /// <param name="rows">Number of rows <c>B</c>.</param>
    /// <param name="rowStride">Distance between rows, in elements (≥ C).</param>
    /// <param name="labels"><c>[B]</c> labels, or an empty view for none.</param>
    /// <param name="parameters">Per-launch constants.</param>
    /// <param name="outputs">Where to write; empty views are skipped.</param>
    public static void Run<TStorage, T, TLoad, TReal>(
        ArrayView<TStorage> logits,
        int rows,
        long rowStride,
        ArrayView<int> labels,
        RowStatisticsParameters<T> parameters,
        RowStatisticsOutputViews<T> outputs)
        where TStorage : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLoad : struct, IElementLoader<TStorage, T>
        where TReal : struct, IReal<T>
    {
        ArrayView<SoftmaxRowState<T>> states = SharedMemory.Allocate<SoftmaxRowState<T>>(MaxGroupSize);
        int thread = Group.IdxX;
        int groupSize = Group.DimX;
        int columns = parameters.Columns;
        for (int row = Grid.IdxX; row < rows; row += Grid.DimX)
        {
            long rowStart = row * rowStride;
            int label = labels.Length > 0
                ? RowStatistics.EffectiveLabel(labels[row], parameters.IgnoreIndex, columns)
                : -1;
            T labelLogit = label >= 0
                ? TLoad.Load(logits[rowStart + label]) * parameters.InverseTemperature
                : T.Zero;

            SoftmaxRowState<T> state = SoftmaxRowState<T>.Empty;
            for (int column = thread; column < columns; column += groupSize)
            {
                T x = TLoad.Load(logits[rowStart + column]) * parameters.InverseTemperature;
                state.Push<TReal>(x, column, labelLogit, label);
            }

            SoftmaxRowState<T> total = GroupTree.Reduce<SoftmaxRowState<T>, SoftmaxStateMerge<T, TReal>>(states, state);
            if (thread == 0)
            {
                Write(outputs, row, RowStatistics.Finalize<T, TReal>(total, labelLogit, label, parameters));
            }
        }
    }

    private static void Write<T>(in RowStatisticsOutputViews<T> outputs, int row, in RowStatisticsResult<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        OptionalOutput.Store(outputs.Lse, row, result.Lse);
        OptionalOutput.Store(outputs.Entropy, row, result.Entropy);
        OptionalOutput.Store(outputs.Msp, row, result.Msp);
        OptionalOutput.Store(outputs.ProbabilityMargin, row, result.ProbabilityMargin);
        OptionalOutput.Store(outputs.LogitMargin, row, result.LogitMargin);
        OptionalOutput.Store(outputs.Nll, row, result.Nll);
        OptionalOutput.Store(outputs.Brier, row, result.Brier);
        OptionalOutput.Store(outputs.Top1Correct, row, result.Top1Correct);
        OptionalOutput.Store(outputs.TopKCorrect, row, result.TopKCorrect);
        OptionalOutput.Store(outputs.LabelSmoothedCrossEntropy, row, result.LabelSmoothedCrossEntropy);
        OptionalOutput.Store(outputs.ArgMax, row, result.ArgMax);
    }
}
