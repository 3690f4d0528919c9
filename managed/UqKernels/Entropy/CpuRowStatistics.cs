using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using UqKernels.Cpu;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;

namespace UqKernels;

/// <summary>Pinned destinations of the single-model pass on the CPU; a null pointer is an output not requested.</summary>
internal unsafe struct RowStatisticsDestinations<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T* Lse;
    public T* Entropy;
    public T* Msp;
    public T* ProbabilityMargin;
    public T* LogitMargin;
    public T* Nll;
    public T* Brier;
    public T* Top1Correct;
    public T* TopKCorrect;
    public T* LabelSmoothedCrossEntropy;
    public int* ArgMax;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Write(int row, in RowStatisticsResult<T> result)
    {
        if (Lse != null) { Lse[row] = result.Lse; }
        if (Entropy != null) { Entropy[row] = result.Entropy; }
        if (Msp != null) { Msp[row] = result.Msp; }
        if (ProbabilityMargin != null) { ProbabilityMargin[row] = result.ProbabilityMargin; }
        if (LogitMargin != null) { LogitMargin[row] = result.LogitMargin; }
        if (Nll != null) { Nll[row] = result.Nll; }
        if (Brier != null) { Brier[row] = result.Brier; }
        if (Top1Correct != null) { Top1Correct[row] = result.Top1Correct; }
        if (TopKCorrect != null) { TopKCorrect[row] = result.TopKCorrect; }
        if (LabelSmoothedCrossEntropy != null) { LabelSmoothedCrossEntropy[row] = result.LabelSmoothedCrossEntropy; }
        if (ArgMax != null) { ArgMax[row] = result.ArgMax; }
    }
}

/// <summary>The single-model pass on the managed SIMD backend: rows in parallel chunks, each row SIMD.</summary>
internal static unsafe class CpuRowStatistics
{
    /// <summary>
    /// How many rows ahead a row's passes prefetch. Two rows give the memory system a row's time more than one does:
    /// 50,000 × 1,000 f32, interleaved runs (42–56 each) in four sittings, the median 0.2–0.8 ms lower than one row ahead
    /// (of 14–15 ms; within this VM's noise each time, but never higher); three and four rows were no faster.
    /// </summary>
    private const int RowsAhead = 2;

    public static void Run<TStorage, T, TReal, TWiden>(
        ReadOnlySpan<TStorage> logits,
        MatrixShape shape,
        ReadOnlySpan<int> labels,
        RowStatisticsOutputs<T> outputs,
        RowStatisticsParameters<T> parameters)
        where TStorage : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TWiden : struct, IRowWidening<TStorage, T>
    {
        // Only top-k correctness needs the label's rank, and only label smoothing Σx.
        bool rankLabel = !outputs.TopKCorrect.IsEmpty;
        bool sumLogits = !outputs.LabelSmoothedCrossEntropy.IsEmpty && parameters.LabelSmoothing != T.Zero;
        fixed (TStorage* logitsPointer = logits)
        fixed (int* labelsPointer = labels)
        fixed (T* lse = outputs.Lse, entropy = outputs.Entropy, msp = outputs.Msp)
        fixed (T* probabilityMargin = outputs.ProbabilityMargin, logitMargin = outputs.LogitMargin)
        fixed (T* nll = outputs.Nll, brier = outputs.Brier, top1 = outputs.Top1Correct, topK = outputs.TopKCorrect)
        fixed (T* smoothed = outputs.LabelSmoothedCrossEntropy)
        fixed (int* argMax = outputs.ArgMax)
        {
            var destinations = new RowStatisticsDestinations<T>
            {
                Lse = lse, Entropy = entropy, Msp = msp, ProbabilityMargin = probabilityMargin,
                LogitMargin = logitMargin, Nll = nll, Brier = brier, Top1Correct = top1, TopKCorrect = topK,
                LabelSmoothedCrossEntropy = smoothed, ArgMax = argMax,
            };
            TStorage* source = logitsPointer;
            int* labelSource = labels.IsEmpty ? null : labelsPointer;
            long length = logits.Length;
            CpuParallel.ForRowRanges(shape.Rows, shape.Columns, (start, end) =>
                RunRows<TStorage, T, TReal, TWiden>(
                    new ReadOnlySpan<TStorage>(source, (int)length), shape, labelSource, start, end, rankLabel, sumLogits,
                    parameters, destinations));
        }
    }

    /// <remarks>
    /// Compiled fully optimised on first use, with the finalisation and the writes inlined: under tiered compilation they
    /// ran as tier-0 code until promoted, which took several full-size calls (and never happened in a process told it has
    /// one processor), at a tenth of a 1,000-logit row's time (L2-resident A/B, one thread: 0.202 → 0.183 ms per 400 rows).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunRows<TStorage, T, TReal, TWiden>(
        ReadOnlySpan<TStorage> logits,
        MatrixShape shape,
        int* labels,
        int start,
        int end,
        bool rankLabel,
        bool sumLogits,
        RowStatisticsParameters<T> parameters,
        RowStatisticsDestinations<T> destinations)
        where TStorage : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TWiden : struct, IRowWidening<TStorage, T>
    {
        int columns = shape.Columns;
        bool scaled = parameters.InverseTemperature != T.One;
        bool widen = !TWiden.IsIdentity || scaled;
        T[] rowBuffer = ArrayPool<T>.Shared.Rent(widen ? columns : 0);
        try
        {
            // Each row's passes prefetch the row two ahead (RowsAhead), so the row after the first is requested here.
            if (start + 1 < end)
            {
                CpuPrefetch.Range(
                    Unsafe.AsPointer(ref MemoryMarshal.GetReference(logits[(int)((start + 1) * shape.RowStride)..])),
                    (long)columns * sizeof(TStorage));
            }

            // The transcendentals of a group of rows are evaluated together, one SIMD vector each, after the group's
            // passes. Lanes of a short last group keep the previous group's (or these neutral) values.
            int groupSize = Vector<T>.Count;
            SoftmaxRowState<T>* states = stackalloc SoftmaxRowState<T>[groupSize];
            int* groupLabels = stackalloc int[groupSize];
            T* labelLogits = stackalloc T[groupSize];
            T* sums = stackalloc T[groupSize];
            T* secondShifts = stackalloc T[groupSize];
            T* labelShifts = stackalloc T[groupSize];
            new Span<T>(sums, groupSize).Fill(T.One);
            new Span<T>(secondShifts, groupSize).Clear();
            new Span<T>(labelShifts, groupSize).Clear();
            for (int groupStart = start; groupStart < end; groupStart += groupSize)
            {
                int groupEnd = Math.Min(groupStart + groupSize, end);
                for (int row = groupStart; row < groupEnd; row++)
                {
                    ReadOnlySpan<TStorage> stored = logits.Slice((int)(row * shape.RowStride), columns);

                    ReadOnlySpan<T> values;
                    if (widen)
                    {
                        Span<T> buffer = rowBuffer.AsSpan(0, columns);
                        TWiden.Widen(stored, buffer);
                        if (scaled)
                        {
                            System.Numerics.Tensors.TensorPrimitives.Multiply(buffer, parameters.InverseTemperature, buffer);
                        }

                        values = buffer;
                    }
                    else
                    {
                        values = MemoryMarshal.Cast<TStorage, T>(stored);
                    }

                    int label = labels == null
                        ? -1
                        : RowStatistics.EffectiveLabel(labels[row], parameters.IgnoreIndex, columns);
                    int aheadRow = Math.Min(row + RowsAhead, end - 1);
                    void* ahead = aheadRow > row
                        ? Unsafe.AsPointer(ref MemoryMarshal.GetReference(logits[(int)(aheadRow * shape.RowStride)..]))
                        : null;
                    SoftmaxRowState<T> state = CpuSoftmaxRow.Build<T, TReal>(
                        values, rankLabel ? label : -1, parameters.TopK, sumLogits, ahead);
                    T labelLogit = label >= 0 ? values[label] : T.Zero;

                    // The exponential's and the logarithm's domains: s ≥ 1 and shifts ≤ 0 on a valid row (its maximum
                    // contributes 1 to s); an invalid row's lanes get neutral values and are not read.
                    int lane = row - groupStart;
                    bool valid = state.InvalidCount == 0 && state.SumExp != T.Zero;
                    states[lane] = state;
                    groupLabels[lane] = label;
                    labelLogits[lane] = labelLogit;
                    sums[lane] = valid ? state.SumExp : T.One;
                    secondShifts[lane] = valid ? state.Second - state.Max : T.Zero;
                    labelShifts[lane] = valid && label >= 0 ? labelLogit - state.Max : T.Zero;
                }

                Vector<T> logSumExp = SimdLog.LogOfPositive(Vector.Load(sums));
                Vector<T> secondRatio = SimdExp.ExpOfNonPositive<T, TReal>(Vector.Load(secondShifts));
                Vector<T> labelRatio = SimdExp.ExpOfNonPositive<T, TReal>(Vector.Load(labelShifts));
                for (int row = groupStart; row < groupEnd; row++)
                {
                    int lane = row - groupStart;
                    destinations.Write(
                        row,
                        RowStatistics.Finalize<T, TReal>(
                            states[lane],
                            labelLogits[lane],
                            groupLabels[lane],
                            parameters,
                            logSumExp[lane],
                            secondRatio[lane],
                            labelRatio[lane]));
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rowBuffer);
        }
    }
}
