using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using UqKernels.Cpu;
using UqKernels.Kernels.Ensemble;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;

namespace UqKernels;

/// <summary>Pinned destinations of the ensemble decomposition on the CPU; a null pointer is an output not requested.</summary>
internal unsafe struct EnsembleDestinations<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T* Total;
    public T* Aleatoric;
    public T* EpistemicKl;
    public T* EpistemicDifference;
    public T* DualEntropy;
    public T* Bregman;
    public T* ExpectedMsp;
    public T* MspBma;
    public T* MspDual;
    public T* VarianceProbabilities;
    public T* VarianceLogits;
    public T* NllBma;
    public T* NllDual;
    public int* ArgMaxBma;

    public readonly void Write(int sample, in EnsembleResult<T> result)
    {
        if (Total != null) { Total[sample] = result.Total; }
        if (Aleatoric != null) { Aleatoric[sample] = result.Aleatoric; }
        if (EpistemicKl != null) { EpistemicKl[sample] = result.EpistemicKl; }
        if (EpistemicDifference != null) { EpistemicDifference[sample] = result.EpistemicDifference; }
        if (DualEntropy != null) { DualEntropy[sample] = result.DualEntropy; }
        if (Bregman != null) { Bregman[sample] = result.Bregman; }
        if (ExpectedMsp != null) { ExpectedMsp[sample] = result.ExpectedMsp; }
        if (MspBma != null) { MspBma[sample] = result.MspBma; }
        if (MspDual != null) { MspDual[sample] = result.MspDual; }
        if (VarianceProbabilities != null) { VarianceProbabilities[sample] = result.VarianceProbabilities; }
        if (VarianceLogits != null) { VarianceLogits[sample] = result.VarianceLogits; }
        if (NllBma != null) { NllBma[sample] = result.NllBma; }
        if (NllDual != null) { NllDual[sample] = result.NllDual; }
        if (ArgMaxBma != null) { ArgMaxBma[sample] = result.ArgMaxBma; }
    }
}

/// <summary>
/// The ensemble decomposition on the managed SIMD backend: samples in parallel chunks; pass A builds each member's
/// row state with <see cref="CpuSoftmaxRow"/>; pass B is the class step of <see cref="EnsembleDecomposition"/>
/// vectorised across a block of classes (the same formulas in the same member order, with <c>−∞</c> handled by
/// clamping to the largest finite negative instead of branches); the shared
/// <see cref="EnsembleDecomposition.Finalize"/> produces the outputs.
/// </summary>
internal static unsafe class CpuEnsemble
{
    /// <summary>Classes per pass-B block: the block's M member rows, their M exponentials and 14 work vectors stay in L2.</summary>
    private const int BlockSize = 1024;

    /// <summary>Work vectors of one pass-B block.</summary>
    private const int VectorCount = 14;

    /// <summary>
    /// Up to this many classes pass B runs the shared scalar class step (the device kernel's code) per class: over a
    /// couple of vectors the SIMD path is mostly call overhead (measured on 2 cores, M = 10: the two paths tie at
    /// C = 10, SIMD is ~2× faster at C = 32).
    /// </summary>
    private const int ScalarClassLimit = 16;

    public static void Run<TStorage, T, TReal, TWiden>(
        ReadOnlySpan<TStorage> logits,
        ReadOnlySpan<int> labels,
        EnsembleOutputs<T> outputs,
        EnsembleParameters<T> parameters)
        where TStorage : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TWiden : struct, IRowWidening<TStorage, T>
    {
        fixed (TStorage* logitsPointer = logits)
        fixed (int* labelsPointer = labels)
        fixed (T* total = outputs.Total, aleatoric = outputs.Aleatoric, epistemicKl = outputs.EpistemicKl)
        fixed (T* epistemicDifference = outputs.EpistemicDifference, dualEntropy = outputs.DualEntropy)
        fixed (T* bregman = outputs.Bregman, expectedMsp = outputs.ExpectedMsp, mspBma = outputs.MspBma)
        fixed (T* mspDual = outputs.MspDual, varianceProbabilities = outputs.VarianceProbabilities)
        fixed (T* varianceLogits = outputs.VarianceLogits, nllBma = outputs.NllBma, nllDual = outputs.NllDual)
        fixed (int* argMaxBma = outputs.ArgMaxBma)
        {
            var destinations = new EnsembleDestinations<T>
            {
                Total = total, Aleatoric = aleatoric, EpistemicKl = epistemicKl,
                EpistemicDifference = epistemicDifference, DualEntropy = dualEntropy, Bregman = bregman,
                ExpectedMsp = expectedMsp, MspBma = mspBma, MspDual = mspDual,
                VarianceProbabilities = varianceProbabilities, VarianceLogits = varianceLogits, NllBma = nllBma,
                NllDual = nllDual, ArgMaxBma = argMaxBma,
            };
            TStorage* source = logitsPointer;
            int* labelSource = labels.IsEmpty ? null : labelsPointer;
            int length = logits.Length;
            CpuParallel.ForRowRanges(parameters.Batch, (long)parameters.Members * parameters.Classes, (start, end) =>
                RunSamples<TStorage, T, TReal, TWiden>(
                    new ReadOnlySpan<TStorage>(source, length), labelSource, start, end, parameters, destinations));
        }
    }

    private static void RunSamples<TStorage, T, TReal, TWiden>(
        ReadOnlySpan<TStorage> logits,
        int* labels,
        int start,
        int end,
        EnsembleParameters<T> parameters,
        EnsembleDestinations<T> destinations)
        where TStorage : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TWiden : struct, IRowWidening<TStorage, T>
    {
        int members = parameters.Members;
        int columns = parameters.Classes;
        bool widen = !TWiden.IsIdentity || parameters.InverseTemperature != T.One;
        int blockLength = Math.Min(columns, BlockSize);
        T[] rowBuffer = ArrayPool<T>.Shared.Rent(widen ? columns : 0);
        T[] dualRow = ArrayPool<T>.Shared.Rent(columns);
        T[] block = ArrayPool<T>.Shared.Rent(((2 * members) + VectorCount) * blockLength);
        T[] memberStatistics = ArrayPool<T>.Shared.Rent(2 * members);
        try
        {
            Span<T> maxima = memberStatistics.AsSpan(0, members);
            Span<T> shiftedLse = memberStatistics.AsSpan(members, members);
            for (int sample = start; sample < end; sample++)
            {
                long sampleStart = sample * parameters.SampleStride;
                int label = labels == null
                    ? -1
                    : RowStatistics.EffectiveLabel(labels[sample], parameters.IgnoreIndex, columns);

                // Pass A: one row state per member.
                EnsembleMemberAccumulator<T> memberSums = default;
                for (int member = 0; member < members; member++)
                {
                    ReadOnlySpan<TStorage> stored =
                        logits.Slice((int)(sampleStart + (member * parameters.MemberStride)), columns);
                    ReadOnlySpan<T> row;
                    if (widen)
                    {
                        Span<T> buffer = rowBuffer.AsSpan(0, columns);
                        Load<TStorage, T, TWiden>(stored, buffer, parameters.InverseTemperature);
                        row = buffer;
                    }
                    else
                    {
                        row = MemoryMarshal.Cast<TStorage, T>(stored);
                    }

                    SoftmaxRowState<T> state =
                        CpuSoftmaxRow.Build<T, TReal>(row, -1, CpuSoftmaxRow.Extras.None);
                    memberSums.Add<TReal>(state);
                    maxima[member] = state.Max;
                    shiftedLse[member] = EnsembleDecomposition.ShiftedLse<T, TReal>(state);
                }

                EnsembleClassAccumulator<T> classes = EnsembleClassAccumulator<T>.Empty;
                if (memberSums.InvalidCount != 0)
                {
                    destinations.Write(
                        sample,
                        EnsembleDecomposition.Finalize<T, TReal>(
                            memberSums, classes, members, columns, label, T.Zero, T.Zero));
                    continue;
                }

                if (columns <= ScalarClassLimit)
                {
                    Span<T> rows = block.AsSpan(0, members * columns);
                    for (int member = 0; member < members; member++)
                    {
                        ReadOnlySpan<TStorage> stored =
                            logits.Slice((int)(sampleStart + (member * parameters.MemberStride)), columns);
                        Load<TStorage, T, TWiden>(
                            stored, rows.Slice(member * columns, columns), parameters.InverseTemperature);
                    }

                    destinations.Write(
                        sample,
                        ScalarClasses<T, TReal>(
                            rows, members, columns, label, maxima, shiftedLse, dualRow.AsSpan(0, columns), memberSums));
                    continue;
                }

                // Pass B: the class step over blocks of classes, every member's block loaded once.
                var sums = default(BlockSums<T>);
                for (int first = 0; first < columns; first += blockLength)
                {
                    int length = Math.Min(blockLength, columns - first);
                    Span<T> memberBlock = block.AsSpan(0, members * length);
                    for (int member = 0; member < members; member++)
                    {
                        ReadOnlySpan<TStorage> stored = logits.Slice(
                            (int)(sampleStart + (member * parameters.MemberStride) + first), length);
                        Load<TStorage, T, TWiden>(
                            stored, memberBlock.Slice(member * length, length), parameters.InverseTemperature);
                    }

                    ClassBlock<T, TReal>(
                        memberBlock,
                        block.AsSpan(members * length, members * length),
                        block.AsSpan(2 * members * length, VectorCount * length),
                        members,
                        length,
                        first,
                        label,
                        maxima,
                        shiftedLse,
                        dualRow.AsSpan(first, length),
                        ref classes,
                        ref sums);
                }

                classes.SumPbarLogPbar = TReal.FromDouble(sums.PbarLogPbar);
                classes.SumKl = TReal.FromDouble(sums.Kl);
                classes.SumSquaredDeviationProbabilities = TReal.FromDouble(sums.SquaredDeviationProbabilities);
                classes.SumSquaredDeviationLogits = TReal.FromDouble(sums.SquaredDeviationLogits);
                ReadOnlySpan<T> dual = dualRow.AsSpan(0, columns);
                classes.Dual = CpuSoftmaxRow.Build<T, TReal>(dual, -1, CpuSoftmaxRow.Extras.None);
                T labelDualLogit = label >= 0 ? dual[label] : T.Zero;
                destinations.Write(
                    sample,
                    EnsembleDecomposition.Finalize<T, TReal>(
                        memberSums, classes, members, columns, label, sums.LabelLogPbar, labelDualLogit));
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rowBuffer);
            ArrayPool<T>.Shared.Return(dualRow);
            ArrayPool<T>.Shared.Return(block);
            ArrayPool<T>.Shared.Return(memberStatistics);
        }
    }

    /// <summary>
    /// Pass B and the finalize of one sample with the shared scalar class step (<see cref="EnsembleDecomposition.AccumulateClass"/>),
    /// for few classes. <paramref name="rows"/> holds the members' logits, row <c>m</c> at <c>m·C</c>.
    /// </summary>
    private static EnsembleResult<T> ScalarClasses<T, TReal>(
        ReadOnlySpan<T> rows,
        int members,
        int columns,
        int label,
        ReadOnlySpan<T> maxima,
        ReadOnlySpan<T> shiftedLse,
        Span<T> dual,
        in EnsembleMemberAccumulator<T> memberSums)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        fixed (T* logits = rows, maximaPointer = maxima, shiftedLsePointer = shiftedLse)
        {
            var view = new CpuEnsembleSample<T>
            {
                Logits = logits, Columns = columns, Maxima = maximaPointer, ShiftedLse = shiftedLsePointer,
            };
            EnsembleClassAccumulator<T> classes = EnsembleClassAccumulator<T>.Empty;
            for (int column = 0; column < columns; column++)
            {
                dual[column] = EnsembleDecomposition.AccumulateClass<T, TReal, CpuEnsembleSample<T>>(
                    ref classes, view, members, column);
            }

            // The dual state is built by the same SIMD builder as the members' states (exact for identical members).
            classes.Dual = CpuSoftmaxRow.Build<T, TReal>(dual, -1, CpuSoftmaxRow.Extras.None);
            T labelLogPbar = label >= 0
                ? EnsembleDecomposition.ClassTerms<T, TReal, CpuEnsembleSample<T>>(view, members, label).LogPbar
                : T.Zero;
            T labelDualLogit = label >= 0 ? dual[label] : T.Zero;
            return EnsembleDecomposition.Finalize<T, TReal>(
                memberSums, classes, members, columns, label, labelLogPbar, labelDualLogit);
        }
    }

    /// <summary>Widens (and temperature-scales) a stored slice into <paramref name="destination"/>.</summary>
    private static void Load<TStorage, T, TWiden>(ReadOnlySpan<TStorage> stored, Span<T> destination, T inverseTemperature)
        where TStorage : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TWiden : struct, IRowWidening<TStorage, T>
    {
        TWiden.Widen(stored, destination);
        if (inverseTemperature != T.One)
        {
            TensorPrimitives.Multiply(destination, inverseTemperature, destination);
        }
    }

    /// <summary>
    /// The class step of <see cref="EnsembleDecomposition.ClassTerms"/> / <see cref="EnsembleDecomposition.AccumulateClass"/>
    /// for the classes <c>[first, first + length)</c> of one sample, SIMD across classes. <paramref name="memberBlock"/>
    /// holds the members' logits (row <c>m</c> at <c>m·length</c>) and is overwritten; <paramref name="memberExps"/> (same shape)
    /// receives <c>e^(u_m − a)</c>.
    /// </summary>
    private static void ClassBlock<T, TReal>(
        Span<T> memberBlock,
        Span<T> memberExps,
        Span<T> work,
        int members,
        int length,
        int first,
        int label,
        ReadOnlySpan<T> maxima,
        ReadOnlySpan<T> shiftedLse,
        Span<T> dual,
        ref EnsembleClassAccumulator<T> classes,
        ref BlockSums<T> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T count = TReal.FromInt64(members);
        T lowest = -TReal.MaxFinite;
        Span<T> w0 = work.Slice(0, length);
        Span<T> dualSum = work.Slice(length, length);
        Span<T> logitSum = work.Slice(2 * length, length);
        Span<T> meanLogit = work.Slice(3 * length, length);
        Span<T> logitSquares = work.Slice(4 * length, length);
        Span<T> shift = work.Slice(5 * length, length);
        Span<T> shiftedSum = work.Slice(6 * length, length);
        Span<T> logRatio = work.Slice(7 * length, length);
        Span<T> logPbar = work.Slice(8 * length, length);
        Span<T> pbar = work.Slice(9 * length, length);
        Span<T> scale = work.Slice(10 * length, length);
        Span<T> probabilitySquares = work.Slice(11 * length, length);
        Span<T> t1 = work.Slice(12 * length, length);
        Span<T> t2 = work.Slice(13 * length, length);
        Span<T> x0 = memberBlock.Slice(0, length);

        // Dual logit z = w_0 + (1/M) Σ_{m≥1} (w_m − w_0) and the member mean of the logits, both anchored at member 0.
        TensorPrimitives.Subtract(x0, maxima[0], w0);
        dualSum.Clear();
        logitSum.Clear();
        bool anyNegativeInfinity = TensorPrimitives.Min<T>(x0) == T.NegativeInfinity;
        for (int member = 1; member < members; member++)
        {
            Span<T> x = memberBlock.Slice(member * length, length);
            anyNegativeInfinity |= TensorPrimitives.Min<T>(x) == T.NegativeInfinity;
            TensorPrimitives.Subtract(x, maxima[member], t1);
            TensorPrimitives.Subtract(t1, w0, t1);
            TensorPrimitives.Add(dualSum, t1, dualSum);
            TensorPrimitives.Subtract(x, x0, t1);
            TensorPrimitives.Add(logitSum, t1, logitSum);
        }

        TensorPrimitives.Divide(dualSum, count, dualSum);
        TensorPrimitives.Add(w0, dualSum, dual);
        if (anyNegativeInfinity)
        {
            // A zero member probability makes the geometric mean (dual BMA) of that class exactly 0.
            for (int member = 0; member < members; member++)
            {
                ReadOnlySpan<T> x = memberBlock.Slice(member * length, length);
                for (int c = 0; c < length; c++)
                {
                    if (x[c] == T.NegativeInfinity)
                    {
                        dual[c] = T.NegativeInfinity;
                    }
                }
            }
        }

        if (members > 1)
        {
            // Two-pass unbiased variance numerator; a −∞ logit makes it NaN, as torch.var.
            TensorPrimitives.Divide(logitSum, count, logitSum);
            TensorPrimitives.Add(x0, logitSum, meanLogit);
            logitSquares.Clear();
            for (int member = 0; member < members; member++)
            {
                TensorPrimitives.Subtract(memberBlock.Slice(member * length, length), meanLogit, t1);
                TensorPrimitives.MultiplyAdd(t1, t1, logitSquares, logitSquares);
            }

            sums.SquaredDeviationLogits += TReal.ToDouble(TensorPrimitives.Sum<T>(logitSquares));
        }

        // u_m = (x_m − max_m) − ln s_m = log p_m, in place; a = max_m u_m (clamped so that −∞ − a is never NaN).
        shift.Fill(T.NegativeInfinity);
        for (int member = 0; member < members; member++)
        {
            Span<T> x = memberBlock.Slice(member * length, length);
            TensorPrimitives.Subtract(x, maxima[member], x);
            TensorPrimitives.Subtract(x, shiftedLse[member], x);
            TensorPrimitives.Max(shift, x, shift);
        }

        TensorPrimitives.Max(shift, lowest, shift);

        // d_m = u_m − a in place (clamped: a −∞ member probability gives e^d = 0 and a finite KL factor); S = Σ e^d.
        shiftedSum.Clear();
        for (int member = 0; member < members; member++)
        {
            Span<T> d = memberBlock.Slice(member * length, length);
            Span<T> e = memberExps.Slice(member * length, length);
            TensorPrimitives.Subtract(d, shift, d);
            TensorPrimitives.Max(d, lowest, d);
            ExpExactAtZero(d, e);
            TensorPrimitives.Add(shiftedSum, e, shiftedSum);
        }

        // ln(S/M), log p̄ = a + ln(S/M) (−∞ where every member gives 0), p̄, Σ p̄ log p̄, arg-max.
        TensorPrimitives.Divide(shiftedSum, count, logRatio);
        TensorPrimitives.Log(logRatio, logRatio);
        TensorPrimitives.Max(logRatio, lowest, logRatio);
        ZeroWhereEqual(shiftedSum, count, logRatio);
        TensorPrimitives.Add(shift, logRatio, logPbar);
        TensorPrimitives.Exp(logPbar, pbar);
        TensorPrimitives.Max(logPbar, lowest, t1);
        sums.PbarLogPbar += TReal.ToDouble(TensorPrimitives.Dot<T>(pbar, t1));
        int best = TensorPrimitives.IndexOfMax<T>(logPbar);
        if (logPbar[best] != T.NegativeInfinity)
        {
            classes.OfferMax(logPbar[best], first + best);
        }

        if (label >= first && label < first + length)
        {
            sums.LabelLogPbar = logPbar[label - first];
        }

        // p_m = e^d·e^a; KL summands p_m·(d − ln(S/M)); squared deviations from p̄.
        TensorPrimitives.Exp(shift, scale);
        probabilitySquares.Clear();
        for (int member = 0; member < members; member++)
        {
            Span<T> d = memberBlock.Slice(member * length, length);
            TensorPrimitives.Multiply(memberExps.Slice(member * length, length), scale, t1);
            TensorPrimitives.Subtract(d, logRatio, t2);
            sums.Kl += TReal.ToDouble(TensorPrimitives.Dot<T>(t1, t2));
            if (members > 1)
            {
                TensorPrimitives.Subtract(t1, pbar, t2);
                TensorPrimitives.MultiplyAdd(t2, t2, probabilitySquares, probabilitySquares);
            }
        }

        sums.SquaredDeviationProbabilities += TReal.ToDouble(TensorPrimitives.Sum<T>(probabilitySquares));
    }

    /// <summary>
    /// <c>e = e^d</c> with <c>e^0 = 1</c> exactly. The vectorised f32 exp of System.Numerics (TensorPrimitives,
    /// <c>Vector.Exp</c>) returns 1.0000001 at 0; the member that attains <c>a</c> has <c>d = 0</c>, and an exact 1 keeps
    /// <c>S = M</c>, <c>ln(S/M) = 0</c> for identical members, as the scalar <see cref="EnsembleDecomposition"/> step has.
    /// </summary>
    private static void ExpExactAtZero<T>(ReadOnlySpan<T> d, Span<T> e)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Exp(d, e);
        int vectorized = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            ReadOnlySpan<Vector<T>> exponents = MemoryMarshal.Cast<T, Vector<T>>(d);
            Span<Vector<T>> values = MemoryMarshal.Cast<T, Vector<T>>(e);
            for (int i = 0; i < exponents.Length; i++)
            {
                values[i] =
                    Vector.ConditionalSelect(Vector.Equals(exponents[i], Vector<T>.Zero), Vector<T>.One, values[i]);
            }

            vectorized = exponents.Length * Vector<T>.Count;
        }

        for (int i = vectorized; i < d.Length; i++)
        {
            if (d[i] == T.Zero)
            {
                e[i] = T.One;
            }
        }
    }

    /// <summary><c>values[i] = 0</c> where <c>sums[i] = count</c> (S = M: ln(S/M) is exactly 0, as in the scalar step).</summary>
    private static void ZeroWhereEqual<T>(ReadOnlySpan<T> sums, T count, Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vectorized = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            ReadOnlySpan<Vector<T>> sumVectors = MemoryMarshal.Cast<T, Vector<T>>(sums);
            Span<Vector<T>> valueVectors = MemoryMarshal.Cast<T, Vector<T>>(values);
            var countVector = new Vector<T>(count);
            for (int i = 0; i < sumVectors.Length; i++)
            {
                valueVectors[i] =
                    Vector.ConditionalSelect(Vector.Equals(sumVectors[i], countVector), Vector<T>.Zero, valueVectors[i]);
            }

            vectorized = sumVectors.Length * Vector<T>.Count;
        }

        for (int i = vectorized; i < sums.Length; i++)
        {
            if (sums[i] == count)
            {
                values[i] = T.Zero;
            }
        }
    }

    /// <summary>One sample's widened member rows (row <c>m</c> at <c>m·C</c>) and pass-A statistics, pinned.</summary>
    private struct CpuEnsembleSample<T> : IEnsembleSample<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* Logits;
        public int Columns;
        public T* Maxima;
        public T* ShiftedLse;

        public readonly T Logit(int member, int column) => Logits[(member * Columns) + column];

        public readonly T MemberMax(int member) => Maxima[member];

        public readonly T MemberShiftedLse(int member) => ShiftedLse[member];
    }

    /// <summary>Per-sample f64 totals of the pass-B block sums, and the label's <c>log p̄_y</c>.</summary>
    private struct BlockSums<T>
        where T : unmanaged
    {
        public double PbarLogPbar;
        public double Kl;
        public double SquaredDeviationProbabilities;
        public double SquaredDeviationLogits;
        public T LabelLogPbar;
    }
}
