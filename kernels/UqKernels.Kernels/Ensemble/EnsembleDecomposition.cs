using System.Numerics;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Ensemble;

/// <summary>Per-launch constants of the ensemble / MC-sample decomposition (uq_metrics.md §1.4).</summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct EnsembleParameters<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Number of samples <c>B</c> (≥ 1).</summary>
    public int Batch;

    /// <summary>Number of members <c>M</c> (≥ 1).</summary>
    public int Members;

    /// <summary>Number of classes <c>C</c> (≥ 1).</summary>
    public int Classes;

    /// <summary>Distance between samples, in elements: element <c>(b, m, c)</c> is at <c>b·SampleStride + m·MemberStride + c</c>.</summary>
    public long SampleStride;

    /// <summary>Distance between members of one sample, in elements.</summary>
    public long MemberStride;

    /// <summary><c>1/T</c> for temperature <c>T &gt; 0</c>; logits are loaded as <c>x·(1/T)</c>.</summary>
    public T InverseTemperature;

    /// <summary>The label value that marks a sample as excluded (PyTorch's −100 by default).</summary>
    public int IgnoreIndex;
}

/// <summary>
/// Random access to one sample's <c>M × C</c> logits and to the pass-A statistics of its members, so the class step
/// of <see cref="EnsembleDecomposition"/> is written once for every backend.
/// </summary>
/// <typeparam name="T">The compute type.</typeparam>
public interface IEnsembleSample<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The temperature-scaled logit <c>x_{m,c}</c> in the compute type.</summary>
    T Logit(int member, int column);

    /// <summary>The member's maximum logit <c>max_c x_{m,c}</c> (pass A).</summary>
    T MemberMax(int member);

    /// <summary><c>ln s_m = ln Σ_c e^(x_{m,c} − max_c x_{m,c})</c>, so <c>lse_m = MemberMax + ln s_m</c> (pass A).</summary>
    T MemberShiftedLse(int member);
}

/// <summary>Sums over the members of one sample from their pass-A row states (accumulated sequentially).</summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct EnsembleMemberAccumulator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary><c>ln s_0</c> of the first member, in f64 (the anchor of <see cref="SumShiftedLseDeviation"/>).</summary>
    public double FirstShiftedLse;

    /// <summary>
    /// <c>Σ_m (ln s_m − ln s_0)</c> in f64: the Bregman term is a difference of nearly equal log-sum-exps (§1.8), and
    /// the anchored sum makes <c>mean_m ln s_m</c> exactly <c>ln s_0</c> for identical members.
    /// </summary>
    public double SumShiftedLseDeviation;

    /// <summary>Number of valid members added.</summary>
    public int Count;

    /// <summary><c>Σ_m H(p_m)</c>.</summary>
    public T SumEntropy;

    /// <summary><c>Σ_m max_c p_{m,c}</c>.</summary>
    public T SumMsp;

    /// <summary>Number of members that are not a distribution (NaN or +∞ logit, or every logit −∞).</summary>
    public int InvalidCount;

    /// <summary>
    /// Adds one member. <paramref name="state"/> is the member's complete row state, built either from the logits or
    /// from the logits minus the member's maximum (the sums are relative to that maximum in both cases).
    /// </summary>
    public void Add<TReal>(in SoftmaxRowState<T> state)
        where TReal : struct, IReal<T>
    {
        if (state.InvalidCount != 0 || state.SumExp == T.Zero)
        {
            InvalidCount++;
            return;
        }

        T s = state.SumExp;
        T inverseS = T.One / s;
        double shiftedLse = Real64.Log(TReal.ToDouble(s));
        if (Count == 0)
        {
            FirstShiftedLse = shiftedLse;
        }
        else
        {
            SumShiftedLseDeviation += shiftedLse - FirstShiftedLse;
        }

        Count++;
        SumEntropy += TReal.Log(s) - (state.SumShiftedExp * inverseS);
        SumMsp += inverseS;
    }
}

/// <summary>
/// Pass-B sums over the classes of one sample (one partial per thread / SIMD block, merged in a fixed order).
/// </summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct EnsembleClassAccumulator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary><c>Σ_c p̄_c log p̄_c</c> (≤ 0; the total uncertainty is its negation).</summary>
    public T SumPbarLogPbar;

    /// <summary><c>Σ_m Σ_c p_{m,c}(log p_{m,c} − log p̄_c) = M·MI</c>.</summary>
    public T SumKl;

    /// <summary><c>Σ_c Σ_m (p_{m,c} − p̄_c)²</c>.</summary>
    public T SumSquaredDeviationProbabilities;

    /// <summary><c>Σ_c Σ_m (x_{m,c} − x̄_c)²</c>.</summary>
    public T SumSquaredDeviationLogits;

    /// <summary><c>max_c log p̄_c</c>.</summary>
    public T MaxLogPbar;

    /// <summary>Lowest class holding <see cref="MaxLogPbar"/>, −1 while empty.</summary>
    public int ArgMaxPbar;

    /// <summary>
    /// Online state of the dual-BMA logits <c>z_c = (1/M) Σ_m (x_{m,c} − max x_m)</c> (= <c>x̄_c</c> minus a
    /// constant, so <c>softmax(z) = p̃</c>).
    /// </summary>
    public SoftmaxRowState<T> Dual;

    /// <summary>The empty accumulator (identity of <see cref="Merge"/>).</summary>
    public static EnsembleClassAccumulator<T> Empty => new()
    {
        MaxLogPbar = T.NegativeInfinity,
        ArgMaxPbar = -1,
        Dual = SoftmaxRowState<T>.Empty,
    };

    /// <summary>Offers class <paramref name="column"/> with <paramref name="logPbar"/> to the arg-max (lowest index wins ties).</summary>
    public void OfferMax(T logPbar, int column)
    {
        if (ArgMaxPbar < 0 || logPbar > MaxLogPbar || (logPbar == MaxLogPbar && column < ArgMaxPbar))
        {
            MaxLogPbar = logPbar;
            ArgMaxPbar = column;
        }
    }

    /// <summary>Combines another partial into this one (sums add, the arg-max keeps the lowest index among equal maxima).</summary>
    public void Merge<TReal>(in EnsembleClassAccumulator<T> other)
        where TReal : struct, IReal<T>
    {
        SumPbarLogPbar += other.SumPbarLogPbar;
        SumKl += other.SumKl;
        SumSquaredDeviationProbabilities += other.SumSquaredDeviationProbabilities;
        SumSquaredDeviationLogits += other.SumSquaredDeviationLogits;
        if (other.ArgMaxPbar >= 0)
        {
            OfferMax(other.MaxLogPbar, other.ArgMaxPbar);
        }

        Dual.Merge<TReal>(other.Dual);
    }
}

/// <summary>The BMA and dual-BMA quantities of one class (the first two member passes of the class step).</summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct EnsembleClassTerms<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary><c>a = max_m log p_{m,c}</c> (−∞ when every member gives the class probability 0).</summary>
    public T Shift;

    /// <summary><c>S = Σ_m e^(log p_{m,c} − a)</c> ∈ [1, M], or 0 when every member gives probability 0.</summary>
    public T ShiftedSum;

    /// <summary><c>ln(S/M) = log p̄_c − a</c>.</summary>
    public T LogRatio;

    /// <summary><c>log p̄_c = a + ln(S/M)</c> (−∞ when p̄_c = 0).</summary>
    public T LogPbar;

    /// <summary>The dual-BMA logit <c>z_c</c> (−∞ when some member's logit is −∞).</summary>
    public T DualLogit;

    /// <summary><c>x̄_c = (1/M) Σ_m x_{m,c}</c>, anchored at member 0.</summary>
    public T MeanLogit;

    /// <summary><c>Σ_m (x_{m,c} − x̄_c)²</c> (0 for M = 1; NaN when some logit is −∞, as <c>torch.var</c>).</summary>
    public T SquaredDeviationLogits;
}

/// <summary>Per-sample results of the decomposition (uq_metrics.md §1.4).</summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct EnsembleResult<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Total uncertainty <c>H(p̄)</c>.</summary>
    public T Total;

    /// <summary>Aleatoric uncertainty <c>E_m[H(p_m)]</c>.</summary>
    public T Aleatoric;

    /// <summary>Mutual information by the KL form <c>(1/M) Σ_m KL(p_m ‖ p̄)</c>.</summary>
    public T EpistemicKl;

    /// <summary>Mutual information by the difference form <c>H(p̄) − E[H]</c>.</summary>
    public T EpistemicDifference;

    /// <summary><c>H(p̃)</c>, the entropy of the dual BMA <c>p̃ = softmax(x̄)</c>.</summary>
    public T DualEntropy;

    /// <summary><c>(1/M) Σ_m lse_m − lse(x̄)</c> (= <c>(1/M) Σ_m KL(p̃ ‖ p_m)</c>), combined in f64.</summary>
    public T Bregman;

    /// <summary><c>(1/M) Σ_m max_c p_{m,c}</c>.</summary>
    public T ExpectedMsp;

    /// <summary><c>max_c p̄_c</c>.</summary>
    public T MspBma;

    /// <summary><c>max_c p̃_c</c>.</summary>
    public T MspDual;

    /// <summary><c>(1/C) Σ_c Var_m(p_{m,c})</c>, unbiased; 0 for M = 1.</summary>
    public T VarianceProbabilities;

    /// <summary><c>(1/C) Σ_c Var_m(x_{m,c})</c>, unbiased; 0 for M = 1.</summary>
    public T VarianceLogits;

    /// <summary><c>−log p̄_y</c>; NaN when the label is ignored.</summary>
    public T NllBma;

    /// <summary><c>lse(x̄) − x̄_y</c>; NaN when the label is ignored.</summary>
    public T NllDual;

    /// <summary><c>argmax_c p̄_c</c> (lowest index among ties); −1 for an invalid sample.</summary>
    public int ArgMaxBma;
}

/// <summary>
/// The ensemble / MC-sample uncertainty decomposition written once for every backend (uq_metrics.md §1.4, §1.8).
/// </summary>
/// <remarks>
/// <para>Pass A (per member row): a <see cref="SoftmaxRowState{T}"/> relative to the member's maximum gives
/// <c>ln s_m</c>, <c>H_m</c> and <c>MSP_m</c>, summed by <see cref="EnsembleMemberAccumulator{T}"/>.</para>
/// <para>Pass B (per class, <see cref="AccumulateClass"/>): with <c>w_m = x_{m,c} − max x_m</c> and
/// <c>u_m = log p_{m,c} = w_m − ln s_m</c>: <c>log p̄_c = a + ln(S/M)</c> with <c>a = max_m u_m</c>,
/// <c>S = Σ_m e^(u_m − a)</c> (an M-term LSE); <c>p_{m,c} = e^(u_m − a)·e^a</c>; the MI summand
/// <c>p_{m,c}((u_m − a) − ln(S/M))</c> (KL form, no cancellation of two entropies); the unbiased variances by two
/// passes around the member mean; and the dual-BMA logit <c>z_c = w_0 + (1/M) Σ_m (w_m − w_0)</c> streamed into an
/// online state, so <c>H(p̃)</c>, <c>max p̃</c> and <c>lse(z)</c> come from <see cref="RowStatistics"/>-style algebra.</para>
/// <para>Bregman: <c>(1/M) Σ lse_m − lse(x̄) = (1/M) Σ_m ln s_m − lse(z)</c> exactly (the member maxima cancel), and
/// the combination is done in f64 on every backend. With identical members every step above is bit-identical to
/// the single member, so MI (KL form), Bregman and the variances come out exactly 0.</para>
/// </remarks>
public static class EnsembleDecomposition
{
    /// <summary><c>ln s</c> of a member row state relative to the member's maximum.</summary>
    public static T ShiftedLse<T, TReal>(in SoftmaxRowState<T> state)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> => TReal.Log(state.SumExp);

    /// <summary>
    /// The first two member passes of class <paramref name="column"/>: <c>log p̄_c</c>, the dual logit <c>z_c</c>,
    /// the member mean of the logits and their squared deviations.
    /// </summary>
    public static EnsembleClassTerms<T> ClassTerms<T, TReal, TSample>(TSample sample, int members, int column)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TSample : struct, IEnsembleSample<T>
    {
        T negativeInfinity = T.NegativeInfinity;
        T x0 = sample.Logit(0, column);
        T w0 = x0 - sample.MemberMax(0);
        T shift = negativeInfinity;
        T sumLogits = T.Zero;
        T sumDual = T.Zero;
        bool anyNegativeInfinity = false;
        for (int member = 0; member < members; member++)
        {
            T x = sample.Logit(member, column);
            T w = x - sample.MemberMax(member);
            T u = w - sample.MemberShiftedLse(member);
            shift = u > shift ? u : shift;
            anyNegativeInfinity |= x == negativeInfinity;
            if (member > 0)
            {
                sumLogits += x - x0;
                sumDual += w - w0;
            }
        }

        T count = TReal.FromInt64(members);
        EnsembleClassTerms<T> terms;
        terms.Shift = shift;
        terms.MeanLogit = x0 + (sumLogits / count);
        terms.DualLogit = anyNegativeInfinity ? negativeInfinity : w0 + (sumDual / count);

        T sum = T.Zero;
        T squares = T.Zero;
        for (int member = 0; member < members; member++)
        {
            T x = sample.Logit(member, column);
            T u = (x - sample.MemberMax(member)) - sample.MemberShiftedLse(member);
            if (u != negativeInfinity)
            {
                sum += ExpExactAtZero<T, TReal>(u - shift);
            }

            T deviation = x - terms.MeanLogit;
            squares += deviation * deviation;
        }

        terms.ShiftedSum = sum;
        terms.SquaredDeviationLogits = members == 1 ? T.Zero : anyNegativeInfinity ? T.NaN : squares;
        if (sum == T.Zero)
        {
            terms.LogRatio = negativeInfinity;
            terms.LogPbar = negativeInfinity;
        }
        else
        {
            // S = M exactly when the members agree on the class: keep ln(S/M) exactly 0 whatever the device's log does.
            terms.LogRatio = sum == count ? T.Zero : TReal.Log(sum / count);
            terms.LogPbar = shift + terms.LogRatio;
        }

        return terms;
    }

    /// <summary>
    /// Adds class <paramref name="column"/> to <paramref name="accumulator"/>: <c>p̄_c log p̄_c</c>, the KL summands,
    /// the squared deviations and the arg-max of <c>p̄</c>. Classes of one accumulator must arrive in increasing
    /// order (the arg-max keeps the first maximum); merge partials with <see cref="EnsembleClassAccumulator{T}.Merge"/>.
    /// Returns the dual logit <c>z_c</c>, which the caller streams into <see cref="EnsembleClassAccumulator{T}.Dual"/>
    /// (device: <see cref="SoftmaxRowState{T}.Push"/> in the pass-A thread order; CPU: a row for the SIMD builder),
    /// so the dual state is built exactly like the members' states.
    /// </summary>
    public static T AccumulateClass<T, TReal, TSample>(
        ref EnsembleClassAccumulator<T> accumulator, TSample sample, int members, int column)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TSample : struct, IEnsembleSample<T>
    {
        EnsembleClassTerms<T> terms = ClassTerms<T, TReal, TSample>(sample, members, column);
        accumulator.SumSquaredDeviationLogits += terms.SquaredDeviationLogits;
        if (terms.ShiftedSum == T.Zero)
        {
            // Every member gives the class probability exactly 0: no entropy, KL or variance contribution.
            return terms.DualLogit;
        }

        accumulator.OfferMax(terms.LogPbar, column);
        T pbar = TReal.Exp(terms.LogPbar);
        accumulator.SumPbarLogPbar += pbar * terms.LogPbar;
        T scale = TReal.Exp(terms.Shift);
        T kl = T.Zero;
        T squares = T.Zero;
        for (int member = 0; member < members; member++)
        {
            T x = sample.Logit(member, column);
            T u = (x - sample.MemberMax(member)) - sample.MemberShiftedLse(member);
            T p = T.Zero;
            if (u != T.NegativeInfinity)
            {
                T d = u - terms.Shift;
                p = ExpExactAtZero<T, TReal>(d) * scale;
                kl += p * (d - terms.LogRatio);
            }

            T deviation = p - pbar;
            squares += deviation * deviation;
        }

        accumulator.SumKl += kl;
        if (members > 1)
        {
            accumulator.SumSquaredDeviationProbabilities += squares;
        }

        return terms.DualLogit;
    }

    /// <summary>
    /// <c>e^d</c> with <c>e^0 = 1</c> exactly: the member that attains <c>a = max_m log p_{m,c}</c> has <c>d = 0</c>, and
    /// an exact 1 makes <c>S = M</c> and MI, the variances exactly 0 for identical members on every backend (vectorised
    /// and software exps, e.g. System.Numerics' f32 exp or ILGPU's CORDIC exp on PTX, need not return exactly 1 at 0).
    /// </summary>
    public static T ExpExactAtZero<T, TReal>(T d)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> => d == T.Zero ? T.One : TReal.Exp(d);

    /// <summary>
    /// Turns the member and class sums of one sample into every output. <paramref name="label"/> is the true class or
    /// −1 when there is none (ignored or absent): then the NLLs are NaN. <paramref name="labelLogPbar"/> and
    /// <paramref name="labelDualLogit"/> are <see cref="EnsembleClassTerms{T}.LogPbar"/> and
    /// <see cref="EnsembleClassTerms{T}.DualLogit"/> of the label's class. A sample with an invalid member gives NaN
    /// everywhere and arg-max −1.
    /// </summary>
    public static EnsembleResult<T> Finalize<T, TReal>(
        in EnsembleMemberAccumulator<T> members,
        in EnsembleClassAccumulator<T> classes,
        int memberCount,
        int classCount,
        int label,
        T labelLogPbar,
        T labelDualLogit)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        EnsembleResult<T> result;
        T nan = T.NaN;
        if (members.InvalidCount != 0 || classes.Dual.InvalidCount != 0 || classes.Dual.SumExp == T.Zero)
        {
            result.Total = nan;
            result.Aleatoric = nan;
            result.EpistemicKl = nan;
            result.EpistemicDifference = nan;
            result.DualEntropy = nan;
            result.Bregman = nan;
            result.ExpectedMsp = nan;
            result.MspBma = nan;
            result.MspDual = nan;
            result.VarianceProbabilities = nan;
            result.VarianceLogits = nan;
            result.NllBma = nan;
            result.NllDual = nan;
            result.ArgMaxBma = -1;
            return result;
        }

        T count = TReal.FromInt64(memberCount);
        result.Total = -classes.SumPbarLogPbar;
        result.Aleatoric = members.SumEntropy / count;
        result.EpistemicKl = classes.SumKl / count;
        result.EpistemicDifference = result.Total - result.Aleatoric;

        T dualSum = classes.Dual.SumExp;
        T dualLogSum = TReal.Log(dualSum);
        T inverseDualSum = T.One / dualSum;
        result.DualEntropy = dualLogSum - (classes.Dual.SumShiftedExp * inverseDualSum);
        result.MspDual = inverseDualSum;
        double dualLse = TReal.ToDouble(classes.Dual.Max) + Real64.Log(TReal.ToDouble(dualSum));
        double meanShiftedLse = members.FirstShiftedLse + (members.SumShiftedLseDeviation / memberCount);
        result.Bregman = TReal.FromDouble(meanShiftedLse - dualLse);

        result.ExpectedMsp = members.SumMsp / count;
        result.MspBma = TReal.Exp(classes.MaxLogPbar);
        if (memberCount == 1)
        {
            result.VarianceProbabilities = T.Zero;
            result.VarianceLogits = T.Zero;
        }
        else
        {
            T denominator = TReal.FromInt64((long)classCount * (memberCount - 1));
            result.VarianceProbabilities = classes.SumSquaredDeviationProbabilities / denominator;
            result.VarianceLogits = classes.SumSquaredDeviationLogits / denominator;
        }

        if (label < 0)
        {
            result.NllBma = nan;
            result.NllDual = nan;
        }
        else
        {
            result.NllBma = -labelLogPbar;
            result.NllDual = dualLogSum - (labelDualLogit - classes.Dual.Max);
        }

        result.ArgMaxBma = classes.ArgMaxPbar;
        return result;
    }
}
