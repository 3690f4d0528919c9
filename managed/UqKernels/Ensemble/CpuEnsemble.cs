using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
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

    /// <summary>True when an output needs <c>p̄</c> (class pass: <c>log p̄_c</c>, its entropy, arg-max, MI, variance).</summary>
    public readonly bool NeedsBma =>
        Total != null || EpistemicKl != null || EpistemicDifference != null || MspBma != null
        || VarianceProbabilities != null || NllBma != null || ArgMaxBma != null;

    /// <summary>True when an output needs the dual BMA <c>p̃ = softmax(x̄)</c>.</summary>
    public readonly bool NeedsDual => DualEntropy != null || Bregman != null || MspDual != null || NllDual != null;

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
/// The ensemble decomposition on the managed SIMD backend: samples in parallel chunks, and per sample two passes.
/// </summary>
/// <remarks>
/// <para>Pass A, per member row: a max pass (single-instruction <c>MaxNative</c>/<c>MinNative</c>, exact here because
/// NaN is detected separately: <c>x·0</c> is NaN exactly for NaN and ±∞, and only then is the row scanned; NaN or
/// <c>+∞</c> makes it invalid), then one fused pass <c>u = max(x − max, −MaxFinite)</c>, <c>e = e^u</c>
/// (<see cref="SimdExp"/>), <c>s = Σ e</c>, <c>t = Σ u·e</c> (f32 lanes, f64 across 4,096-element blocks) that keeps
/// <c>e_{m,c}</c> for pass B and prefetches the next row (in the member-major layout every row is a cold page).
/// The row state feeds the shared <see cref="EnsembleMemberAccumulator{T}"/>, <c>ln s_m</c> and <c>1/s_m</c>.</para>
/// <para>Pass B, one loop per pair of class vectors with the members inside and every per-class value in registers:
/// the class step of <see cref="EnsembleDecomposition"/> rearranged so that no exponential and one logarithm per class
/// is evaluated. With <c>w_m = x_m − max_m</c>, <c>u_m = w_m − ln s_m = log p_m</c>, <c>p_m = e_{m,c}/s_m</c> and
/// <c>P = Σ_m p_m</c>: <c>p̄ = P/M</c>, <c>log p̄ = ln(P/M)</c> (<see cref="SimdLog"/>), the MI summand
/// <c>Σ_m p_m (u_m − log p̄) = Σ p·u − log p̄·P</c> (one rounding for the difference), the probability variance around
/// member 0, <c>Σ(p − p_0)² − (Σ(p − p_0))²/M</c> (one deviation is 0, so the cancellation is at most a factor M), the
/// dual logit <c>z = w_0 + (1/M) Σ_{m≥1}(w_m − w_0)</c> as in the scalar step, and the logit variance by two passes
/// around <c>x̄ = x_0 + (Σ_{m≥1}(w_m − w_0) + Σ_{m≥1}(max_m − max_0))/M</c> (an error in <c>x̄</c> enters only to
/// second order). Where every member gives the same <c>p</c> (identical members), <c>p̄</c> and <c>log p̄</c> are
/// member 0's <c>p</c> and <c>u</c> and the MI summand is 0 exactly, so MI, both variances and Bregman are exactly 0,
/// as in the scalar step. Classes past the last whole pair reuse an overlapping pair whose repeated lanes are masked
/// out of the sums.</para>
/// <para>The ratio form needs <c>P</c> well inside the normal range (members flushed to 0 must not matter): a vector
/// of classes where some <c>P</c> is below 2⁻⁸⁰ (f32; 2⁻⁹⁰⁰ f64) or some logit is <c>−∞</c>, and every vector of a
/// sample where some row's <c>max − min</c> overflows, runs the log-domain form of the scalar step instead
/// (<c>log p̄ = a + ln Σ_m e^(u_m − a)</c>, <c>a = max_m u_m</c>, with the same clamps to <c>−MaxFinite</c>),
/// <see cref="UnusualClasses"/>. Only the parts the requested outputs need are computed (the parts are type
/// parameters, so each combination is its own specialised loop); the dual row is also built when a member has a
/// <c>−∞</c> logit, because an all-<c>−∞</c> dual row makes the sample NaN.</para>
/// <para>Per-sample sums are accumulated in f32 lanes and moved to f64 every 1,024 classes; the dual state is built
/// by the same pass-A routine as the members' (bit-identical for identical members, so Bregman is exactly 0), and the
/// shared scalar <see cref="EnsembleDecomposition.Finalize"/> produces the outputs. With few classes (≤ 16, or under
/// two vectors) pass A is <see cref="CpuSoftmaxRow"/> and pass B the shared scalar class step per class.</para>
/// </remarks>
internal static unsafe class CpuEnsemble
{
    /// <summary>
    /// Up to this many classes pass B runs the shared scalar class step (the device kernel's code) per class: over a
    /// couple of vectors the SIMD path is mostly call overhead.
    /// </summary>
    private const int ScalarClassLimit = 16;

    /// <summary>Row elements per f32 lane block of pass A before its sums move to f64 (as <see cref="CpuSoftmaxRow"/>).</summary>
    private const int RowBlockSize = CpuSoftmaxRow.BlockSize;

    /// <summary>Classes per f32 lane block of pass B before its sums move to f64.</summary>
    private const int ClassBlockSize = 1024;

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
            bool scalarClasses = parameters.Classes <= ScalarClassLimit || parameters.Classes < 2 * Vector<T>.Count
                || !Vector.IsHardwareAccelerated;
            CpuParallel.ForRowRanges(parameters.Batch, (long)parameters.Members * parameters.Classes, (start, end) =>
            {
                if (scalarClasses)
                {
                    RunSamplesFewClasses<TStorage, T, TReal, TWiden>(
                        source, labelSource, start, end, parameters, destinations);
                }
                else
                {
                    RunSamples<TStorage, T, TReal, TWiden>(source, labelSource, start, end, parameters, destinations);
                }
            });
        }
    }

    /// <summary>The SIMD path for samples <c>[start, end)</c> (at least two vectors of classes).</summary>
    private static void RunSamples<TStorage, T, TReal, TWiden>(
        TStorage* logits,
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
        bool bma = destinations.NeedsBma;
        bool kl = destinations.EpistemicKl != null;
        bool varianceProbabilities = destinations.VarianceProbabilities != null && members > 1;
        bool dualRequested = destinations.NeedsDual;
        bool varianceLogits = destinations.VarianceLogits != null && members > 1;
        T[] rowBuffer = ArrayPool<T>.Shared.Rent(widen ? members * columns : 0);
        T[] expBuffer = ArrayPool<T>.Shared.Rent(bma ? members * columns : 0);
        T[] dualBuffer = ArrayPool<T>.Shared.Rent(columns);
        T[] statistics = ArrayPool<T>.Shared.Rent(3 * members);
        nint[] rowPointers = ArrayPool<nint>.Shared.Rent(members);
        try
        {
            fixed (T* rowBase = rowBuffer, expBase = expBuffer, dual = dualBuffer, stats = statistics)
            fixed (nint* rows = rowPointers)
            {
                var view = new SampleView<T>
                {
                    Rows = (T**)rows, Exps = expBase, Maxima = stats, ShiftedLse = stats + members,
                    InverseSums = stats + (2 * members), Dual = dual, Members = members, Columns = columns,
                };
                for (int sample = start; sample < end; sample++)
                {
                    long sampleStart = sample * parameters.SampleStride;
                    int label = labels == null
                        ? -1
                        : RowStatistics.EffectiveLabel(labels[sample], parameters.IgnoreIndex, columns);

                    // Pass A: one row state per member (stopping at the first invalid one: the sample is NaN).
                    EnsembleMemberAccumulator<T> memberSums = default;
                    bool negativeInfinity = false, overflow = false;
                    double maximaOffset = 0;
                    for (int member = 0; member < members; member++)
                    {
                        TStorage* stored = logits + sampleStart + (member * parameters.MemberStride);
                        T* row;
                        if (widen)
                        {
                            row = rowBase + ((long)member * columns);
                            Load<TStorage, T, TWiden>(
                                new ReadOnlySpan<TStorage>(stored, columns),
                                new Span<T>(row, columns),
                                parameters.InverseTemperature);
                        }
                        else
                        {
                            row = (T*)stored;
                        }

                        rows[member] = (nint)row;
                        long next = member + 1 < members
                            ? sampleStart + ((member + 1) * parameters.MemberStride)
                            : (sample + 1 < end ? (sample + 1) * parameters.SampleStride : -1);
                        RowSums<T> sums = RowState<T, TReal>(
                            row,
                            columns,
                            bma ? expBase + ((long)member * columns) : null,
                            next < 0 ? null : (byte*)(logits + next),
                            next < 0 ? 0 : (long)columns * sizeof(TStorage));
                        SoftmaxRowState<T> state = sums.ToState<TReal>();
                        memberSums.Add<TReal>(state);
                        if (memberSums.InvalidCount != 0)
                        {
                            break;
                        }

                        negativeInfinity |= sums.NegativeInfinity;
                        overflow |= sums.Overflow;
                        stats[member] = state.Max;
                        stats[members + member] = EnsembleDecomposition.ShiftedLse<T, TReal>(state);
                        stats[(2 * members) + member] = T.One / state.SumExp;
                        maximaOffset += TReal.ToDouble(state.Max) - TReal.ToDouble(stats[0]);
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

                    // A −∞ logit can make every dual logit −∞ (then the sample is NaN), so the dual row is built.
                    bool needDual = dualRequested || negativeInfinity;
                    T labelLogPbar = T.Zero;
                    if (bma || needDual || varianceLogits)
                    {
                        view.MeanOffset = TReal.FromDouble(maximaOffset);
                        view.AllUnusual = overflow;
                        ClassTotals<T> totals = ClassPass<T, TReal>(
                            view, label, bma, kl, varianceProbabilities, needDual, varianceLogits);
                        classes.SumPbarLogPbar = TReal.FromDouble(totals.PbarLogPbar);
                        classes.SumKl = TReal.FromDouble(totals.Kl);
                        classes.SumSquaredDeviationProbabilities = TReal.FromDouble(totals.SquaredDeviationProbabilities);
                        classes.SumSquaredDeviationLogits = TReal.FromDouble(totals.SquaredDeviationLogits);
                        if (totals.ArgMax >= 0)
                        {
                            classes.OfferMax(totals.MaxLogPbar, totals.ArgMax);
                        }

                        labelLogPbar = totals.LabelLogPbar;
                    }

                    T labelDualLogit = T.Zero;
                    if (needDual)
                    {
                        // Built by the members' routine: for identical members z = x − max bit for bit, so the dual
                        // state equals the members' and Bregman is exactly 0.
                        classes.Dual = RowState<T, TReal>(dual, columns, null, null, 0).ToState<TReal>();
                        labelDualLogit = label >= 0 ? dual[label] : T.Zero;
                    }
                    else
                    {
                        // Not requested and no −∞ logit: every z is finite, so the dual state is valid; a placeholder
                        // keeps Finalize's validity test (its dual outputs are not written).
                        classes.Dual = SoftmaxRowState<T>.Empty;
                        classes.Dual.Max = T.Zero;
                        classes.Dual.SumExp = T.One;
                    }

                    destinations.Write(
                        sample,
                        EnsembleDecomposition.Finalize<T, TReal>(
                            memberSums, classes, members, columns, label, labelLogPbar, labelDualLogit));
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rowBuffer);
            ArrayPool<T>.Shared.Return(expBuffer);
            ArrayPool<T>.Shared.Return(dualBuffer);
            ArrayPool<T>.Shared.Return(statistics);
            ArrayPool<nint>.Shared.Return(rowPointers);
        }
    }

    /// <summary>
    /// Pass A of one row (at least <see cref="Vector{T}.Count"/> elements): the maximum, validity, and the f64 sums
    /// <c>s = Σ e^u</c>, <c>t = Σ u·e^u</c> with <c>u = max(x − max, −MaxFinite)</c>; when <paramref name="exps"/> is not
    /// null it receives <c>e^u</c>. A row with NaN or <c>+∞</c> is invalid; an all-<c>−∞</c> row has <c>s = 0</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RowSums<T> RowState<T, TReal>(T* row, int length, T* exps, byte* prefetch, long prefetchBytes)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        int width = Vector<T>.Count;
        int last = length - width;

        // Two independent chains per statistic (the single-instruction max/min/FMA have 4-cycle latencies).
        var maxima = new Vector<T>(T.NegativeInfinity);
        var minima = new Vector<T>(T.PositiveInfinity);
        Vector<T> maximaB = maxima, minimaB = minima;
        Vector<T> check = Vector<T>.Zero, checkB = Vector<T>.Zero;
        int i = 0;
        for (; i < last - width; i += 2 * width)
        {
            Vector<T> x = Vector.Load(row + i);
            Vector<T> y = Vector.Load(row + i + width);
            maxima = Vector.MaxNative(maxima, x);
            maximaB = Vector.MaxNative(maximaB, y);
            minima = Vector.MinNative(minima, x);
            minimaB = Vector.MinNative(minimaB, y);
            check = Fma(x, Vector<T>.Zero, check);
            checkB = Fma(y, Vector<T>.Zero, checkB);
        }

        for (; i < last; i += width)
        {
            Vector<T> x = Vector.Load(row + i);
            maxima = Vector.MaxNative(maxima, x);
            minima = Vector.MinNative(minima, x);
            check = Fma(x, Vector<T>.Zero, check);
        }

        {
            Vector<T> x = Vector.Load(row + last);
            maxima = Vector.MaxNative(Vector.MaxNative(maxima, x), maximaB);
            minima = Vector.MinNative(Vector.MinNative(minima, x), minimaB);
            check = Fma(x, Vector<T>.Zero, check) + checkB;
        }

        RowSums<T> result = default;
        if (!Vector.EqualsAll(check, Vector<T>.Zero) && HasNaNOrPositiveInfinity(row, length))
        {
            // x·0 is NaN exactly for NaN and ±∞; only −∞ leaves the row valid.
            result.Invalid = true;
            return result;
        }

        T max = T.NegativeInfinity, min = T.PositiveInfinity;
        for (int lane = 0; lane < width; lane++)
        {
            max = maxima[lane] > max ? maxima[lane] : max;
            min = minima[lane] < min ? minima[lane] : min;
        }

        result.Max = max;
        result.NegativeInfinity = min == T.NegativeInfinity;
        result.Overflow = !result.NegativeInfinity && !TReal.IsFinite(max - min);
        if (max == T.NegativeInfinity)
        {
            return result;
        }

        var maxVector = new Vector<T>(max);
        var floor = new Vector<T>(-TReal.MaxFinite);
        for (int blockStart = 0; blockStart < length; blockStart += RowBlockSize)
        {
            int blockEnd = Math.Min(length, blockStart + RowBlockSize);
            Vector<T> sums = Vector<T>.Zero, shiftedSums = Vector<T>.Zero;
            i = blockStart;
            for (; i <= blockEnd - width; i += width)
            {
                Vector<T> u = Vector.MaxNative(Vector.Load(row + i) - maxVector, floor);
                Vector<T> e = SimdExp.ExpOfNonPositive<T, TReal>(u);
                sums += e;
                shiftedSums = Fma(u, e, shiftedSums);
                if (exps != null)
                {
                    Vector.Store(e, exps + i);
                }

                // The next row's first touch comes from memory: fetch it while this row's exponentials run.
                long ahead = (long)i * sizeof(T);
                if (ahead < prefetchBytes && Sse.IsSupported)
                {
                    Sse.Prefetch0(prefetch + ahead);
                }
            }

            if (i < blockEnd)
            {
                // The row's last elements: the overlapping last vector, lanes before i masked out of the sums.
                Vector<T> u = Vector.MaxNative(Vector.Load(row + last) - maxVector, floor);
                Vector<T> e = SimdExp.ExpOfNonPositive<T, TReal>(u);
                Vector<T> keep = LanesFrom<T>(i - last);
                sums += e & keep;
                shiftedSums += (u * e) & keep;
                if (exps != null)
                {
                    Vector.Store(e, exps + last);
                }
            }

            result.SumExp += TReal.ToDouble(Vector.Sum(sums));
            result.SumShiftedExp += TReal.ToDouble(Vector.Sum(shiftedSums));
        }

        return result;
    }

    /// <summary>True when the row holds a NaN or <c>+∞</c> (the slow check after the max pass saw a non-finite value).</summary>
    private static bool HasNaNOrPositiveInfinity<T>(T* row, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector<T>.Count;
        var positiveInfinity = new Vector<T>(T.PositiveInfinity);
        Vector<T> bad = Vector<T>.Zero;
        int i = 0;
        for (; i <= length - width; i += width)
        {
            Vector<T> x = Vector.Load(row + i);
            bad |= Vector.OnesComplement(Vector.Equals(x, x)) | Vector.Equals(x, positiveInfinity);
        }

        for (; i < length; i++)
        {
            if (T.IsNaN(row[i]) || row[i] == T.PositiveInfinity)
            {
                return true;
            }
        }

        return bad != Vector<T>.Zero;
    }

    /// <summary>Chooses the specialisation of <see cref="ClassPass{T, TReal, TBma, TKl, TVarP, TDual, TVarX}"/> for the requested parts.</summary>
    private static ClassTotals<T> ClassPass<T, TReal>(
        in SampleView<T> view, int label, bool bma, bool kl, bool varianceProbabilities, bool dual, bool varianceLogits)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        bma
            ? ClassPassB<T, TReal, Yes>(view, label, kl, varianceProbabilities, dual, varianceLogits)
            : ClassPassB<T, TReal, No>(view, label, false, false, dual, varianceLogits);

    private static ClassTotals<T> ClassPassB<T, TReal, TBma>(
        in SampleView<T> view, int label, bool kl, bool varianceProbabilities, bool dual, bool varianceLogits)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TBma : struct, IPassFlag =>
        kl
            ? ClassPassK<T, TReal, TBma, Yes>(view, label, varianceProbabilities, dual, varianceLogits)
            : ClassPassK<T, TReal, TBma, No>(view, label, varianceProbabilities, dual, varianceLogits);

    private static ClassTotals<T> ClassPassK<T, TReal, TBma, TKl>(
        in SampleView<T> view, int label, bool varianceProbabilities, bool dual, bool varianceLogits)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TBma : struct, IPassFlag
        where TKl : struct, IPassFlag =>
        varianceProbabilities
            ? ClassPassP<T, TReal, TBma, TKl, Yes>(view, label, dual, varianceLogits)
            : ClassPassP<T, TReal, TBma, TKl, No>(view, label, dual, varianceLogits);

    private static ClassTotals<T> ClassPassP<T, TReal, TBma, TKl, TVarP>(
        in SampleView<T> view, int label, bool dual, bool varianceLogits)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TBma : struct, IPassFlag
        where TKl : struct, IPassFlag
        where TVarP : struct, IPassFlag =>
        dual
            ? ClassPassD<T, TReal, TBma, TKl, TVarP, Yes>(view, label, varianceLogits)
            : ClassPassD<T, TReal, TBma, TKl, TVarP, No>(view, label, varianceLogits);

    private static ClassTotals<T> ClassPassD<T, TReal, TBma, TKl, TVarP, TDual>(
        in SampleView<T> view, int label, bool varianceLogits)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TBma : struct, IPassFlag
        where TKl : struct, IPassFlag
        where TVarP : struct, IPassFlag
        where TDual : struct, IPassFlag =>
        varianceLogits
            ? ClassPass<T, TReal, TBma, TKl, TVarP, TDual, Yes>(view, label)
            : ClassPass<T, TReal, TBma, TKl, TVarP, TDual, No>(view, label);

    /// <summary>
    /// Pass B of one sample over every class, two vectors of classes at a time with the members inside (see the type's
    /// remarks; the pair gives the out-of-order core two independent dependency chains per member and shares the
    /// per-member broadcasts).
    /// <typeparamref name="TBma"/>: <c>log p̄</c>, <c>Σ p̄ log p̄</c>, arg-max and the label's <c>log p̄_y</c>;
    /// <typeparamref name="TKl"/>: the MI summands; <typeparamref name="TVarP"/>, <typeparamref name="TVarX"/>: the
    /// squared deviations; <typeparamref name="TDual"/>: the dual logits into <see cref="SampleView{T}.Dual"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ClassTotals<T> ClassPass<T, TReal, TBma, TKl, TVarP, TDual, TVarX>(in SampleView<T> view, int label)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TBma : struct, IPassFlag
        where TKl : struct, IPassFlag
        where TVarP : struct, IPassFlag
        where TDual : struct, IPassFlag
        where TVarX : struct, IPassFlag
    {
        int members = view.Members;
        int columns = view.Columns;
        int width = Vector<T>.Count;
        int step = 2 * width;
        T** rows = view.Rows;
        T* exps = view.Exps;
        T* maxima = view.Maxima;
        T* shiftedLse = view.ShiftedLse;
        T* inverseSums = view.InverseSums;
        T* dual = view.Dual;
        bool allUnusual = view.AllUnusual;
        var inverseCount = new Vector<T>(T.One / TReal.FromInt64(members));
        var meanOffset = new Vector<T>(view.MeanOffset);
        var floor = new Vector<T>(RatioFloor<T, TReal>());
        var negativeInfinity = new Vector<T>(T.NegativeInfinity);
        Vector<T> pbarLogPbarSums = Vector<T>.Zero, klSums = Vector<T>.Zero;
        Vector<T> probabilitySquareSums = Vector<T>.Zero, logitSquareSums = Vector<T>.Zero;
        Vector<T> bestLogPbar = negativeInfinity, bestClass = Vector<T>.Zero;
        ClassTotals<T> totals = default;
        int blockSteps = ClassBlockSize / step;
        for (int first = 0; first < columns; first += step)
        {
            // Vectors A at `at` and B at `at + width`; the last classes reuse an overlapping pair whose lanes before
            // `first` were counted already.
            int at = Math.Min(first, columns - step);
            int atB = at + width;
            Vector<T> pbarLogPbarA, klA, probabilitySquaresA, logitSquaresA, logPbarA;
            Vector<T> pbarLogPbarB, klB, probabilitySquaresB, logitSquaresB, logPbarB;

            // The member loop: p = e/s and P = Σ p, Σ p·u, deviations of p from member 0's, the dual sum, and
            // whether the ratio form applies (no −∞ logit, P not tiny).
            var max0 = new Vector<T>(maxima[0]);
            Vector<T> x0A = Vector.Load(rows[0] + at), x0B = Vector.Load(rows[0] + atB);
            Vector<T> w0A = x0A - max0, w0B = x0B - max0;
            Vector<T> minA = x0A, minB = x0B, dualA = Vector<T>.Zero, dualB = Vector<T>.Zero;
            Vector<T> u0A = Vector<T>.Zero, u0B = Vector<T>.Zero, p0A = Vector<T>.Zero, p0B = Vector<T>.Zero;
            Vector<T> weightedLogA = Vector<T>.Zero, weightedLogB = Vector<T>.Zero;
            Vector<T> deviationSquaresA = Vector<T>.Zero, deviationSquaresB = Vector<T>.Zero;
            Vector<T> deviationSumA = Vector<T>.Zero, deviationSumB = Vector<T>.Zero;
            Vector<T> agreeA = Vector<T>.AllBitsSet, agreeB = Vector<T>.AllBitsSet;
            if (TBma.On)
            {
                var lse0 = new Vector<T>(shiftedLse[0]);
                var inverse0 = new Vector<T>(inverseSums[0]);
                u0A = w0A - lse0;
                u0B = w0B - lse0;
                p0A = Vector.Load(exps + at) * inverse0;
                p0B = Vector.Load(exps + atB) * inverse0;
                if (TKl.On)
                {
                    weightedLogA = p0A * u0A;
                    weightedLogB = p0B * u0B;
                }
            }

            Vector<T> sumA = p0A, sumB = p0B;
            T* memberExps = exps + columns;
            for (int member = 1; member < members; member++, memberExps += columns)
            {
                T* row = rows[member];
                Vector<T> xA = Vector.Load(row + at), xB = Vector.Load(row + atB);
                var max = new Vector<T>(maxima[member]);
                Vector<T> wA = xA - max, wB = xB - max;
                minA = Vector.MinNative(minA, xA);
                minB = Vector.MinNative(minB, xB);
                if (TDual.On || TVarX.On)
                {
                    dualA += wA - w0A;
                    dualB += wB - w0B;
                }

                if (TBma.On)
                {
                    var inverse = new Vector<T>(inverseSums[member]);
                    Vector<T> pA = Vector.Load(memberExps + at) * inverse;
                    Vector<T> pB = Vector.Load(memberExps + atB) * inverse;
                    sumA += pA;
                    sumB += pB;
                    agreeA &= Vector.Equals(pA, p0A);
                    agreeB &= Vector.Equals(pB, p0B);
                    if (TKl.On)
                    {
                        var lse = new Vector<T>(shiftedLse[member]);
                        weightedLogA = Fma(pA, wA - lse, weightedLogA);
                        weightedLogB = Fma(pB, wB - lse, weightedLogB);
                    }

                    if (TVarP.On)
                    {
                        Vector<T> deviationA = pA - p0A, deviationB = pB - p0B;
                        deviationSquaresA = Fma(deviationA, deviationA, deviationSquaresA);
                        deviationSquaresB = Fma(deviationB, deviationB, deviationSquaresB);
                        deviationSumA += deviationA;
                        deviationSumB += deviationB;
                    }
                }
            }

            Vector<T> unusual = Vector.Equals(minA, negativeInfinity) | Vector.Equals(minB, negativeInfinity);
            if (TBma.On)
            {
                unusual |= Vector.LessThan(sumA, floor) | Vector.LessThan(sumB, floor);
            }

            if (allUnusual || unusual != Vector<T>.Zero)
            {
                ClassVector<T> r = UnusualClasses<T, TReal, TBma, TKl, TVarP, TDual, TVarX>(view, at);
                (pbarLogPbarA, klA, probabilitySquaresA, logitSquaresA, logPbarA) =
                    (r.PbarLogPbar, r.Kl, r.ProbabilitySquares, r.LogitSquares, r.LogPbar);
                r = UnusualClasses<T, TReal, TBma, TKl, TVarP, TDual, TVarX>(view, atB);
                (pbarLogPbarB, klB, probabilitySquaresB, logitSquaresB, logPbarB) =
                    (r.PbarLogPbar, r.Kl, r.ProbabilitySquares, r.LogitSquares, r.LogPbar);
            }
            else
            {
                if (TDual.On)
                {
                    Vector.Store(w0A + (dualA * inverseCount), dual + at);
                    Vector.Store(w0B + (dualB * inverseCount), dual + atB);
                }

                pbarLogPbarA = klA = probabilitySquaresA = logitSquaresA = logPbarA = Vector<T>.Zero;
                pbarLogPbarB = klB = probabilitySquaresB = logitSquaresB = logPbarB = Vector<T>.Zero;
                if (TBma.On)
                {
                    // p̄ = P/M and log p̄ = ln(P/M); where every member gives the same p (identical members) p̄ is
                    // member 0's p and log p̄ its u exactly, and the MI summand is exactly 0.
                    Vector<T> pbarA = Vector.ConditionalSelect(agreeA, p0A, sumA * inverseCount);
                    Vector<T> pbarB = Vector.ConditionalSelect(agreeB, p0B, sumB * inverseCount);
                    logPbarA = Vector.ConditionalSelect(agreeA, u0A, SimdLog.LogOfPositive(pbarA));
                    logPbarB = Vector.ConditionalSelect(agreeB, u0B, SimdLog.LogOfPositive(pbarB));
                    pbarLogPbarA = pbarA * logPbarA;
                    pbarLogPbarB = pbarB * logPbarB;
                    if (TKl.On)
                    {
                        // Σ_m p_m (u_m − log p̄) = Σ p·u − log p̄·P, one rounding for the difference.
                        klA = Vector.AndNot(Fma(-logPbarA, sumA, weightedLogA), agreeA);
                        klB = Vector.AndNot(Fma(-logPbarB, sumB, weightedLogB), agreeB);
                    }

                    if (TVarP.On)
                    {
                        // Around member 0: one deviation is 0, so the cancellation is at most a factor M.
                        probabilitySquaresA = deviationSquaresA - (deviationSumA * deviationSumA * inverseCount);
                        probabilitySquaresB = deviationSquaresB - (deviationSumB * deviationSumB * inverseCount);
                    }
                }

                if (TVarX.On)
                {
                    // Two passes around x̄ = x_0 + (Σ_{m≥1}(w_m − w_0) + Σ_{m≥1}(max_m − max_0))/M (an error in x̄
                    // changes Σ (x − x̄)² only to second order).
                    Vector<T> meanA = x0A + ((dualA + meanOffset) * inverseCount);
                    Vector<T> meanB = x0B + ((dualB + meanOffset) * inverseCount);
                    for (int member = 0; member < members; member++)
                    {
                        T* row = rows[member];
                        Vector<T> deviationA = Vector.Load(row + at) - meanA;
                        Vector<T> deviationB = Vector.Load(row + atB) - meanB;
                        logitSquaresA = Fma(deviationA, deviationA, logitSquaresA);
                        logitSquaresB = Fma(deviationB, deviationB, logitSquaresB);
                    }
                }
            }

            Vector<T> candidateA = logPbarA, candidateB = logPbarB;
            if (at != first)
            {
                // Repeated lanes are left out of the sums and of the arg-max (they may have taken the other form).
                Vector<T> keepA = LanesFrom<T>(first - at), keepB = LanesFrom<T>(first - atB);
                candidateA = Vector.ConditionalSelect(keepA, logPbarA, negativeInfinity);
                candidateB = Vector.ConditionalSelect(keepB, logPbarB, negativeInfinity);
                pbarLogPbarA &= keepA;
                klA &= keepA;
                probabilitySquaresA &= keepA;
                logitSquaresA &= keepA;
                pbarLogPbarB &= keepB;
                klB &= keepB;
                probabilitySquaresB &= keepB;
                logitSquaresB &= keepB;
            }

            pbarLogPbarSums += pbarLogPbarA + pbarLogPbarB;
            klSums += klA + klB;
            probabilitySquareSums += probabilitySquaresA + probabilitySquaresB;
            logitSquareSums += logitSquaresA + logitSquaresB;
            if (TBma.On)
            {
                // Lane-wise arg-max, classes in increasing order per lane (A before B): a later class wins only when
                // strictly larger, so each lane keeps its lowest index.
                Vector<T> larger = Vector.GreaterThan(candidateA, bestLogPbar);
                bestLogPbar = Vector.ConditionalSelect(larger, candidateA, bestLogPbar);
                bestClass = Vector.ConditionalSelect(larger, ClassIndices<T>(at), bestClass);
                larger = Vector.GreaterThan(candidateB, bestLogPbar);
                bestLogPbar = Vector.ConditionalSelect(larger, candidateB, bestLogPbar);
                bestClass = Vector.ConditionalSelect(larger, ClassIndices<T>(atB), bestClass);
                if ((uint)(label - first) < (uint)step)
                {
                    totals.LabelLogPbar = label - at < width ? logPbarA[label - at] : logPbarB[label - atB];
                }
            }

            if (--blockSteps == 0 || first + step >= columns)
            {
                totals.PbarLogPbar += TReal.ToDouble(Vector.Sum(pbarLogPbarSums));
                totals.Kl += TReal.ToDouble(Vector.Sum(klSums));
                totals.SquaredDeviationProbabilities += TReal.ToDouble(Vector.Sum(probabilitySquareSums));
                totals.SquaredDeviationLogits += TReal.ToDouble(Vector.Sum(logitSquareSums));
                pbarLogPbarSums = klSums = probabilitySquareSums = logitSquareSums = Vector<T>.Zero;
                blockSteps = ClassBlockSize / step;
            }
        }

        totals.MaxLogPbar = T.NegativeInfinity;
        totals.ArgMax = -1;
        for (int lane = 0; lane < width && TBma.On; lane++)
        {
            T value = bestLogPbar[lane];
            int column = ClassIndex(bestClass, lane);
            if (value > totals.MaxLogPbar || (value == totals.MaxLogPbar && value != T.NegativeInfinity && column < totals.ArgMax))
            {
                totals.MaxLogPbar = value;
                totals.ArgMax = column;
            }
        }

        return totals;
    }

    /// <summary>
    /// The class step for the vector of classes at <paramref name="at"/> in the log domain (the scalar step's form), for
    /// vectors with a <c>−∞</c> logit or a tiny <c>P = Σ_m p_m</c>: <c>a = max_m u_m</c> clamped to <c>−MaxFinite</c>,
    /// <c>S = Σ_m e^(max(u_m − a, −MaxFinite))</c> with <c>e^0 = 1</c> exactly, <c>log p̄ = a + ln(S/M)</c> (a class
    /// with probability 0 in every member gets <c>S = 0</c>, <c>log p̄ = −∞</c> and no contribution), the MI summand
    /// <c>Σ p_m (u_m − a) − ln(S/M)·P</c>, the probability variance around <c>max_m p_m</c>, the dual logit
    /// <c>−∞</c> where a member's logit is <c>−∞</c>, and the logit variance NaN there (as <c>torch.var</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ClassVector<T> UnusualClasses<T, TReal, TBma, TKl, TVarP, TDual, TVarX>(in SampleView<T> view, int at)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TBma : struct, IPassFlag
        where TKl : struct, IPassFlag
        where TVarP : struct, IPassFlag
        where TDual : struct, IPassFlag
        where TVarX : struct, IPassFlag
    {
        int members = view.Members;
        int columns = view.Columns;
        T** rows = view.Rows;
        var count = new Vector<T>(TReal.FromInt64(members));
        var inverseCount = new Vector<T>(T.One / TReal.FromInt64(members));
        var lowest = new Vector<T>(-TReal.MaxFinite);
        var negativeInfinity = new Vector<T>(T.NegativeInfinity);
        Vector<T> x0 = Vector.Load(rows[0] + at);
        Vector<T> w0 = x0 - new Vector<T>(view.Maxima[0]);
        Vector<T> minX = x0, dualSum = Vector<T>.Zero, a = negativeInfinity, q = Vector<T>.Zero;
        for (int member = 0; member < members; member++)
        {
            Vector<T> x = Vector.Load(rows[member] + at);
            Vector<T> w = x - new Vector<T>(view.Maxima[member]);
            minX = Vector.MinNative(minX, x);
            if (member > 0)
            {
                dualSum += w - w0;
            }

            a = Vector.MaxNative(a, w - new Vector<T>(view.ShiftedLse[member]));
            if (TBma.On)
            {
                q = Vector.MaxNative(
                    q, Vector.Load(view.Exps + ((long)member * columns) + at) * new Vector<T>(view.InverseSums[member]));
            }
        }

        Vector<T> negative = Vector.Equals(minX, negativeInfinity);
        a = Vector.MaxNative(a, lowest);
        if (TDual.On)
        {
            Vector.Store(Vector.ConditionalSelect(negative, negativeInfinity, w0 + (dualSum * inverseCount)), view.Dual + at);
        }

        Vector<T> mean = x0 + ((dualSum + new Vector<T>(view.MeanOffset)) * inverseCount);
        Vector<T> shiftedSum = Vector<T>.Zero, probabilitySum = Vector<T>.Zero, weightedShift = Vector<T>.Zero;
        Vector<T> deviationSquares = Vector<T>.Zero, deviationSum = Vector<T>.Zero, logitSquares = Vector<T>.Zero;
        for (int member = 0; member < members; member++)
        {
            Vector<T> x = Vector.Load(rows[member] + at);
            if (TBma.On)
            {
                Vector<T> p = Vector.Load(view.Exps + ((long)member * columns) + at)
                    * new Vector<T>(view.InverseSums[member]);
                Vector<T> u = (x - new Vector<T>(view.Maxima[member])) - new Vector<T>(view.ShiftedLse[member]);
                Vector<T> d = Vector.MaxNative(u - a, lowest);
                shiftedSum += Vector.ConditionalSelect(
                    Vector.Equals(d, Vector<T>.Zero), Vector<T>.One, SimdExp.ExpOfNonPositive<T, TReal>(d));
                probabilitySum += p;
                weightedShift = Fma(p, d, weightedShift);
                Vector<T> deviation = p - q;
                deviationSquares = Fma(deviation, deviation, deviationSquares);
                deviationSum += deviation;
            }

            if (TVarX.On)
            {
                Vector<T> deviation = x - mean;
                logitSquares = Fma(deviation, deviation, logitSquares);
            }
        }

        ClassVector<T> result = default;
        result.LogitSquares = Vector.ConditionalSelect(negative, new Vector<T>(T.NaN), logitSquares);
        if (TBma.On)
        {
            Vector<T> empty = Vector.Equals(shiftedSum, Vector<T>.Zero);
            Vector<T> agree = Vector.Equals(shiftedSum, count);
            Vector<T> ratio = Vector.ConditionalSelect(agree, Vector<T>.One, shiftedSum * inverseCount);
            Vector<T> logRatio = Vector.ConditionalSelect(
                agree, Vector<T>.Zero, SimdLog.LogOfPositive(Vector.ConditionalSelect(empty, Vector<T>.One, ratio)));
            logRatio = Vector.ConditionalSelect(empty, negativeInfinity, logRatio);
            Vector<T> logPbar = a + logRatio;
            Vector<T> pbar = Vector.ConditionalSelect(
                Vector.GreaterThanOrEqual(probabilitySum, new Vector<T>(RatioFloor<T, TReal>())),
                probabilitySum * inverseCount,
                SimdExp.ExpOfNonPositive<T, TReal>(Vector.MinNative(logPbar, Vector<T>.Zero)));
            result.LogPbar = logPbar;
            result.PbarLogPbar = pbar * Vector.MaxNative(logPbar, lowest);
            result.Kl = weightedShift - (Vector.MaxNative(logRatio, lowest) * probabilitySum);
            result.ProbabilitySquares = deviationSquares - (deviationSum * deviationSum * inverseCount);
        }

        return result;
    }

    /// <summary>
    /// Smallest <c>P = Σ_m p_{m,c}</c> for the ratio form: 2⁻⁸⁰ in f32 (members flushed to 0 below 2⁻¹²⁶ then weigh
    /// under 2⁻⁴⁶ relative in <c>P</c>), 2⁻⁹⁰⁰ in f64.
    /// </summary>
    private static T RatioFloor<T, TReal>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> => TReal.FromDouble(Math.ScaleB(1.0, Unsafe.SizeOf<T>() == 4 ? -80 : -900));

    /// <summary>All-ones lanes from lane <paramref name="first"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> LanesFrom<T>(int first)
        where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() == 4)
        {
            return Vector.GreaterThanOrEqual(Vector<int>.Indices, new Vector<int>(first)).As<int, T>();
        }

        return Vector.GreaterThanOrEqual(Vector<long>.Indices, new Vector<long>((long)first)).As<long, T>();
    }

    /// <summary>The class indices <c>at, at + 1, …</c> as integers in the lanes' bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> ClassIndices<T>(int at)
        where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() == 4)
        {
            return (Vector<int>.Indices + new Vector<int>(at)).As<int, T>();
        }

        return (Vector<long>.Indices + new Vector<long>((long)at)).As<long, T>();
    }

    /// <summary>Reads lane <paramref name="lane"/> of <see cref="ClassIndices{T}"/> bits.</summary>
    private static int ClassIndex<T>(Vector<T> indices, int lane)
        where T : unmanaged => Unsafe.SizeOf<T>() == 4 ? indices.As<T, int>()[lane] : (int)indices.As<T, long>()[lane];

    /// <summary><c>a·b + c</c> with one rounding (hardware FMA for f32/f64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Fma<T>(Vector<T> a, Vector<T> b, Vector<T> c)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        }

        return (a * b) + c;
    }

    /// <summary>
    /// Samples <c>[start, end)</c> with few classes: pass A by <see cref="CpuSoftmaxRow"/>, pass B by the shared
    /// scalar class step per class (<see cref="ScalarClasses"/>).
    /// </summary>
    private static void RunSamplesFewClasses<TStorage, T, TReal, TWiden>(
        TStorage* logits,
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
        T[] rows = ArrayPool<T>.Shared.Rent(members * columns);
        T[] dualRow = ArrayPool<T>.Shared.Rent(columns);
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
                EnsembleMemberAccumulator<T> memberSums = default;
                for (int member = 0; member < members; member++)
                {
                    Span<T> row = rows.AsSpan(member * columns, columns);
                    Load<TStorage, T, TWiden>(
                        new ReadOnlySpan<TStorage>(logits + sampleStart + (member * parameters.MemberStride), columns),
                        row,
                        parameters.InverseTemperature);
                    SoftmaxRowState<T> state = CpuSoftmaxRow.Build<T, TReal>(row, -1, 0, false, null);
                    memberSums.Add<TReal>(state);
                    maxima[member] = state.Max;
                    shiftedLse[member] = EnsembleDecomposition.ShiftedLse<T, TReal>(state);
                }

                if (memberSums.InvalidCount != 0)
                {
                    destinations.Write(
                        sample,
                        EnsembleDecomposition.Finalize<T, TReal>(
                            memberSums, EnsembleClassAccumulator<T>.Empty, members, columns, label, T.Zero, T.Zero));
                    continue;
                }

                destinations.Write(
                    sample,
                    ScalarClasses<T, TReal>(
                        rows.AsSpan(0, members * columns), members, columns, label, maxima, shiftedLse,
                        dualRow.AsSpan(0, columns), memberSums));
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rows);
            ArrayPool<T>.Shared.Return(dualRow);
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
            classes.Dual = CpuSoftmaxRow.Build<T, TReal>(dual, -1, 0, false, null);
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

    /// <summary>One sample's member rows (compute type) and pass-A results, pinned.</summary>
    private struct SampleView<T>
        where T : unmanaged
    {
        /// <summary>Row of member <c>m</c> (temperature-scaled, compute type).</summary>
        public T** Rows;

        /// <summary><c>e^(x_{m,c} − max_m)</c> at <c>m·C + c</c> (null when no output needs <c>p̄</c>).</summary>
        public T* Exps;

        public T* Maxima;
        public T* ShiftedLse;
        public T* InverseSums;

        /// <summary>Destination of the dual logits <c>z_c</c>.</summary>
        public T* Dual;

        /// <summary><c>Σ_{m≥1} (max_m − max_0)</c>, which turns the dual sum into the logit sum.</summary>
        public T MeanOffset;

        /// <summary>Some member row spans more than the largest finite value: every vector takes the log-domain form.</summary>
        public bool AllUnusual;

        public int Members;
        public int Columns;
    }

    /// <summary>Pass-A sums of one row.</summary>
    private struct RowSums<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Max;
        public double SumExp;
        public double SumShiftedExp;
        public bool Invalid;

        /// <summary>The row holds <c>−∞</c>.</summary>
        public bool NegativeInfinity;

        /// <summary><c>max − min</c> overflows (logits beyond ±MaxFinite/2).</summary>
        public bool Overflow;

        public readonly SoftmaxRowState<T> ToState<TReal>()
            where TReal : struct, IReal<T>
        {
            SoftmaxRowState<T> state = SoftmaxRowState<T>.Empty;
            if (Invalid)
            {
                state.InvalidCount = 1;
                return state;
            }

            state.Max = Max;
            state.SumExp = TReal.FromDouble(SumExp);
            state.SumShiftedExp = TReal.FromDouble(SumShiftedExp);
            return state;
        }
    }

    /// <summary>One vector of classes' contributions.</summary>
    private struct ClassVector<T>
        where T : unmanaged
    {
        public Vector<T> PbarLogPbar;
        public Vector<T> Kl;
        public Vector<T> ProbabilitySquares;
        public Vector<T> LogitSquares;
        public Vector<T> LogPbar;
    }

    /// <summary>Per-sample f64 totals of pass B, the label's <c>log p̄_y</c> and the arg-max.</summary>
    private struct ClassTotals<T>
        where T : unmanaged
    {
        public double PbarLogPbar;
        public double Kl;
        public double SquaredDeviationProbabilities;
        public double SquaredDeviationLogits;
        public T LabelLogPbar;
        public T MaxLogPbar;
        public int ArgMax;
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
}
