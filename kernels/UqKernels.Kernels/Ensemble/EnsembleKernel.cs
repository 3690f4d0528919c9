using System.Numerics;
using ILGPU;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Ensemble;

/// <summary>Output views of the ensemble kernel; an empty view means "not requested" and is never written.</summary>
/// <typeparam name="T">The compute (and output) type.</typeparam>
public struct EnsembleOutputViews<T>
    where T : unmanaged
{
    /// <summary><c>[B]</c> total uncertainty <c>H(p̄)</c>.</summary>
    public ArrayView<T> Total;

    /// <summary><c>[B]</c> aleatoric uncertainty <c>E[H]</c>.</summary>
    public ArrayView<T> Aleatoric;

    /// <summary><c>[B]</c> mutual information, KL form.</summary>
    public ArrayView<T> EpistemicKl;

    /// <summary><c>[B]</c> mutual information, difference form.</summary>
    public ArrayView<T> EpistemicDifference;

    /// <summary><c>[B]</c> entropy of the dual BMA.</summary>
    public ArrayView<T> DualEntropy;

    /// <summary><c>[B]</c> Bregman epistemic uncertainty.</summary>
    public ArrayView<T> Bregman;

    /// <summary><c>[B]</c> expected MSP.</summary>
    public ArrayView<T> ExpectedMsp;

    /// <summary><c>[B]</c> MSP of the BMA.</summary>
    public ArrayView<T> MspBma;

    /// <summary><c>[B]</c> MSP of the dual BMA.</summary>
    public ArrayView<T> MspDual;

    /// <summary><c>[B]</c> expected variance of the probabilities.</summary>
    public ArrayView<T> VarianceProbabilities;

    /// <summary><c>[B]</c> expected variance of the logits.</summary>
    public ArrayView<T> VarianceLogits;

    /// <summary><c>[B]</c> NLL of the BMA.</summary>
    public ArrayView<T> NllBma;

    /// <summary><c>[B]</c> NLL of the dual BMA.</summary>
    public ArrayView<T> NllDual;

    /// <summary><c>[B]</c> arg-max of the BMA (−1 for an invalid sample).</summary>
    public ArrayView<int> ArgMaxBma;
}

/// <summary>
/// One sample of device memory seen through <see cref="IEnsembleSample{T}"/>: element <c>(m, c)</c> at
/// <c>sampleStart + m·memberStride + c</c>, member statistics as <c>(max, ln s)</c> pairs.
/// </summary>
/// <typeparam name="TStorage">The stored element type.</typeparam>
/// <typeparam name="T">The compute type.</typeparam>
/// <typeparam name="TLoad">Widens a stored element.</typeparam>
public struct DeviceEnsembleSample<TStorage, T, TLoad> : IEnsembleSample<T>
    where TStorage : unmanaged
    where T : unmanaged, IFloatingPointIeee754<T>
    where TLoad : struct, IElementLoader<TStorage, T>
{
    /// <summary>All logits.</summary>
    public ArrayView<TStorage> Logits;

    /// <summary>Offset of element <c>(b, 0, 0)</c>.</summary>
    public long SampleStart;

    /// <summary>Distance between members, in elements.</summary>
    public long MemberStride;

    /// <summary><c>1/T</c>.</summary>
    public T InverseTemperature;

    /// <summary>Pass-A statistics: <c>(max, ln s)</c> of member <c>m</c> at <c>StatisticsStart + 2m</c>.</summary>
    public ArrayView<T> Statistics;

    /// <summary>Offset of this sample's first member statistics.</summary>
    public long StatisticsStart;

    /// <inheritdoc/>
    public readonly T Logit(int member, int column) =>
        TLoad.Load(Logits[SampleStart + (member * MemberStride) + column]) * InverseTemperature;

    /// <inheritdoc/>
    public readonly T MemberMax(int member) => Statistics[StatisticsStart + (2L * member)];

    /// <inheritdoc/>
    public readonly T MemberShiftedLse(int member) => Statistics[StatisticsStart + (2L * member) + 1];
}

/// <summary>The ensemble / MC-sample decomposition device kernel (uq_metrics.md §1.4).</summary>
public static class EnsembleKernel
{
    /// <summary>
    /// Largest group the kernel's shared-memory trees are sized for; launches use a power of two ≤ this. 128 keeps the
    /// three f64 trees (row states, class accumulators, maxima) at about 24 KB, under every backend's static limit.
    /// </summary>
    public const int MaxGroupSize = 128;

    /// <summary>
    /// Explicitly grouped kernel, one group per sample (group <c>g</c> handles samples <c>g, g + gridDim, …</c>).
    /// Pass A, for each member in turn: the group reduces the row maximum, then streams <c>x − max</c> into per-thread
    /// online states merged in a fixed shared-memory tree; thread 0 folds the member into the sample's sums and
    /// publishes <c>(max, ln s)</c> to <paramref name="statistics"/>. Pass B: thread <c>i</c> runs the class step for
    /// classes <c>i, i + groupDim, …</c> (re-reading the M member logits of each class, which are cached after pass A),
    /// the class partials are merged in a fixed tree and thread 0 finalizes and writes. Deterministic (no atomics).
    /// The sample's <c>M×C</c> tile is not staged in shared memory: that would bound <c>M·C</c>, and after pass A the
    /// tile is L1/L2-resident for typical sizes (ImageNet: 40 KB).
    /// </summary>
    /// <param name="logits">Logits; element <c>(b, m, c)</c> at <c>b·SampleStride + m·MemberStride + c</c>.</param>
    /// <param name="labels"><c>[B]</c> labels, or an empty view for none.</param>
    /// <param name="statistics">Scratch of <c>2·B·M</c> elements for the pass-A member statistics.</param>
    /// <param name="parameters">Per-launch constants.</param>
    /// <param name="outputs">Where to write; empty views are skipped.</param>
    public static void Run<TStorage, T, TLoad, TReal>(
        ArrayView<TStorage> logits,
        ArrayView<int> labels,
        ArrayView<T> statistics,
        EnsembleParameters<T> parameters,
        EnsembleOutputViews<T> outputs)
        where TStorage : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLoad : struct, IElementLoader<TStorage, T>
        where TReal : struct, IReal<T>
    {
        ArrayView<SoftmaxRowState<T>> states = SharedMemory.Allocate<SoftmaxRowState<T>>(MaxGroupSize);
        ArrayView<EnsembleClassAccumulator<T>> partials =
            SharedMemory.Allocate<EnsembleClassAccumulator<T>>(MaxGroupSize);
        ArrayView<T> maxima = SharedMemory.Allocate<T>(MaxGroupSize);
        int thread = Group.IdxX;
        int groupSize = Group.DimX;
        int members = parameters.Members;
        int columns = parameters.Classes;
        T inverseTemperature = parameters.InverseTemperature;
        for (int sample = Grid.IdxX; sample < parameters.Batch; sample += Grid.DimX)
        {
            long sampleStart = sample * parameters.SampleStride;
            long statisticsStart = 2L * sample * members;
            EnsembleMemberAccumulator<T> memberSums = default;
            for (int member = 0; member < members; member++)
            {
                long rowStart = sampleStart + (member * parameters.MemberStride);

                // A1: the row maximum over finite and −∞ elements (NaN / +∞ are caught by the states below).
                T localMax = T.NegativeInfinity;
                for (int column = thread; column < columns; column += groupSize)
                {
                    T x = TLoad.Load(logits[rowStart + column]) * inverseTemperature;
                    localMax = x > localMax && x != T.PositiveInfinity ? x : localMax;
                }

                maxima[thread] = localMax;
                Group.Barrier();
                for (int offset = groupSize / 2; offset > 0; offset /= 2)
                {
                    if (thread < offset)
                    {
                        T other = maxima[thread + offset];
                        maxima[thread] = other > maxima[thread] ? other : maxima[thread];
                    }

                    Group.Barrier();
                }

                // A2: the online state of w = x − max (its maximum is exactly 0), the same stream as the dual state.
                T rowMax = maxima[0];
                SoftmaxRowState<T> state = SoftmaxRowState<T>.Empty;
                for (int column = thread; column < columns; column += groupSize)
                {
                    T x = TLoad.Load(logits[rowStart + column]) * inverseTemperature;
                    state.Push<TReal>(x - rowMax, column, T.Zero, -1);
                }

                SoftmaxRowState<T> complete =
                    GroupTree.Reduce<SoftmaxRowState<T>, SoftmaxStateMerge<T, TReal>>(states, state);
                if (thread == 0)
                {
                    memberSums.Add<TReal>(complete);
                    statistics[statisticsStart + (2L * member)] = rowMax;
                    statistics[statisticsStart + (2L * member) + 1] =
                        EnsembleDecomposition.ShiftedLse<T, TReal>(complete);
                }

                // Thread 0's statistics (global memory) become visible to the group; states/maxima may be reused.
                Group.Barrier();
            }

            var view = new DeviceEnsembleSample<TStorage, T, TLoad>
            {
                Logits = logits,
                SampleStart = sampleStart,
                MemberStride = parameters.MemberStride,
                InverseTemperature = inverseTemperature,
                Statistics = statistics,
                StatisticsStart = statisticsStart,
            };
            EnsembleClassAccumulator<T> accumulator = EnsembleClassAccumulator<T>.Empty;
            for (int column = thread; column < columns; column += groupSize)
            {
                T dualLogit = EnsembleDecomposition.AccumulateClass<T, TReal, DeviceEnsembleSample<TStorage, T, TLoad>>(
                    ref accumulator, view, members, column);
                accumulator.Dual.Push<TReal>(dualLogit, column, T.Zero, -1);
            }

            partials[thread] = accumulator;
            Group.Barrier();
            for (int offset = groupSize / 2; offset > 0; offset /= 2)
            {
                if (thread < offset)
                {
                    EnsembleClassAccumulator<T> merged = partials[thread];
                    merged.Merge<TReal>(partials[thread + offset]);
                    partials[thread] = merged;
                }

                Group.Barrier();
            }

            if (thread == 0)
            {
                int label = labels.Length > 0
                    ? RowStatistics.EffectiveLabel(labels[sample], parameters.IgnoreIndex, columns)
                    : -1;
                T labelLogPbar = T.Zero;
                T labelDualLogit = T.Zero;
                if (label >= 0 && memberSums.InvalidCount == 0)
                {
                    EnsembleClassTerms<T> terms = EnsembleDecomposition.ClassTerms<T, TReal,
                        DeviceEnsembleSample<TStorage, T, TLoad>>(view, members, label);
                    labelLogPbar = terms.LogPbar;
                    labelDualLogit = terms.DualLogit;
                }

                EnsembleResult<T> result = EnsembleDecomposition.Finalize<T, TReal>(
                    memberSums, partials[0], members, columns, label, labelLogPbar, labelDualLogit);
                Write(outputs, sample, result);
            }

            Group.Barrier();
        }
    }

    private static void Write<T>(in EnsembleOutputViews<T> outputs, int sample, in EnsembleResult<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        OptionalOutput.Store(outputs.Total, sample, result.Total);
        OptionalOutput.Store(outputs.Aleatoric, sample, result.Aleatoric);
        OptionalOutput.Store(outputs.EpistemicKl, sample, result.EpistemicKl);
        OptionalOutput.Store(outputs.EpistemicDifference, sample, result.EpistemicDifference);
        OptionalOutput.Store(outputs.DualEntropy, sample, result.DualEntropy);
        OptionalOutput.Store(outputs.Bregman, sample, result.Bregman);
        OptionalOutput.Store(outputs.ExpectedMsp, sample, result.ExpectedMsp);
        OptionalOutput.Store(outputs.MspBma, sample, result.MspBma);
        OptionalOutput.Store(outputs.MspDual, sample, result.MspDual);
        OptionalOutput.Store(outputs.VarianceProbabilities, sample, result.VarianceProbabilities);
        OptionalOutput.Store(outputs.VarianceLogits, sample, result.VarianceLogits);
        OptionalOutput.Store(outputs.NllBma, sample, result.NllBma);
        OptionalOutput.Store(outputs.NllDual, sample, result.NllDual);
        OptionalOutput.Store(outputs.ArgMaxBma, sample, result.ArgMaxBma);
    }
}
