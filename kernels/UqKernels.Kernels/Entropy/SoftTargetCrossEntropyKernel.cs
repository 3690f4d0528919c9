using System.Numerics;
using ILGPU;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Entropy;

/// <summary>The soft-target cross-entropy device kernel (uq_metrics.md §1.3): <c>−Σ_c t_c log softmax(x)_c</c> per row.</summary>
public static class SoftTargetCrossEntropyKernel
{
    /// <summary>Largest group the kernel's shared-memory tree is sized for; launches use a power of two ≤ this.</summary>
    public const int MaxGroupSize = 256;

    /// <summary>
    /// Explicitly grouped kernel: group <c>g</c> handles rows <c>g, g + gridDim, …</c>; thread <c>i</c> of a group streams
    /// columns <c>i, i + groupDim, …</c> of the logits and targets into its own <see cref="SoftTargetRowState{T}"/>, then
    /// the group merges the states in a fixed shared-memory tree (deterministic; no float atomics) and thread 0 writes
    /// <see cref="SoftTargetCrossEntropy.Finalize"/>.
    /// </summary>
    /// <param name="logits">Row-major logits; row <c>r</c> starts at <c>r·rowStride</c>.</param>
    /// <param name="targets">Targets with the same layout as <paramref name="logits"/> (finite, ≥ 0; checked by the host).</param>
    /// <param name="rows">Number of rows <c>B</c>.</param>
    /// <param name="columns">Number of classes <c>C</c> (≥ 1).</param>
    /// <param name="rowStride">Distance between rows, in elements (≥ C).</param>
    /// <param name="output"><c>[B]</c> cross-entropies.</param>
    public static void Run<T, TReal>(
        ArrayView<T> logits,
        ArrayView<T> targets,
        int rows,
        int columns,
        long rowStride,
        ArrayView<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        ArrayView<SoftTargetRowState<T>> states = SharedMemory.Allocate<SoftTargetRowState<T>>(MaxGroupSize);
        int thread = Group.IdxX;
        int groupSize = Group.DimX;
        for (int row = Grid.IdxX; row < rows; row += Grid.DimX)
        {
            long rowStart = row * rowStride;
            SoftTargetRowState<T> state = SoftTargetRowState<T>.Empty;
            for (int column = thread; column < columns; column += groupSize)
            {
                state.Push<TReal>(logits[rowStart + column], targets[rowStart + column], column);
            }

            SoftTargetRowState<T> total =
                GroupTree.Reduce<SoftTargetRowState<T>, SoftTargetStateMerge<T, TReal>>(states, state);
            if (thread == 0)
            {
                output[row] = SoftTargetCrossEntropy.Finalize<T, TReal>(total);
            }
        }
    }
}
