using System.Numerics;
using UqKernels.Kernels.Ranking;

namespace UqKernels;

public static partial class UqOps
{
    /// <summary>
    /// Selective-prediction metrics of uncertainties <c>u [n]</c> (lowest accepted first) against correctness
    /// <c>c [n]</c> ∈ [0, 1] (hard 0/1 or soft): AURC, cumulative abstinence AUC, E-AURC, the discrete oracle AURC,
    /// AULC, rAULC and coverage for accuracy targets (uq_metrics.md §2.5, untangle definitions).
    /// </summary>
    /// <remarks>
    /// <para>Sort ascending by u (order-preserving keys; −0 ties +0, ±∞ are ordered values), then with <c>C_k</c>, <c>E_k</c>
    /// the cumulative correctness and error <c>1 − c</c> of the first k: <c>AURC = (1/n) Σ_k E_k/k</c>;
    /// <c>E-AURC = AURC − [r + (1−r)·ln(1−r)]</c> with <c>r = 1 − ā</c> (term defined as 1 at r = 1);
    /// <c>AULC = (1/n) Σ_k (C_k/k)/ā − 1</c>; <c>rAULC = AULC/AULC(c sorted descending)</c>; coverage as in
    /// <see cref="SelectiveCoverage"/>. Ties follow <see cref="SelectivePredictionOptions.TiePolicy"/>: tie-averaged (default;
    /// the expectation over random tie orders, permutation invariant) or stable (index order).</para>
    /// <para>All arithmetic is f64 on the CPU for every context (an O(n) radix sort for f32 u, a comparison sort for
    /// f64 u, then O(n) scans); results are identical on every backend.</para>
    /// <para>NaN: a NaN uncertainty follows <see cref="SelectivePredictionOptions.NanPolicy"/> (Error throws, Propagate
    /// returns NaN metrics with <see cref="SelectivePredictionStatus.NaNPropagated"/>, Omit drops the element); a NaN
    /// correctness always throws.</para>
    /// </remarks>
    /// <param name="context">The context (validation only; the metric runs on the CPU).</param>
    /// <param name="uncertainty"><c>[n]</c> uncertainties, higher = less confident; n ≥ 1.</param>
    /// <param name="correct"><c>[n]</c> correctness in [0, 1].</param>
    /// <param name="options">Tie policy, NaN policy, accuracy targets and start index; <see cref="SelectivePredictionOptions.Default"/> when null.</param>
    /// <returns>Every metric in one record.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="uncertainty"/> is empty or holds NaN under <see cref="NanPolicy.Error"/>; <paramref name="correct"/>
    /// has another length or holds NaN.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A correctness is outside [0, 1], or an option is invalid (named after the option).</exception>
    public static SelectivePredictionResult SelectivePrediction(
        this UqContext context,
        ReadOnlySpan<float> uncertainty,
        ReadOnlySpan<float> correct,
        SelectivePredictionOptions? options = null) =>
        SelectivePrediction<float>(context, uncertainty, correct, options);

    /// <inheritdoc cref="SelectivePrediction(UqContext, ReadOnlySpan{float}, ReadOnlySpan{float}, SelectivePredictionOptions?)"/>
    public static SelectivePredictionResult SelectivePrediction(
        this UqContext context,
        ReadOnlySpan<double> uncertainty,
        ReadOnlySpan<double> correct,
        SelectivePredictionOptions? options = null) =>
        SelectivePrediction<double>(context, uncertainty, correct, options);

    private static SelectivePredictionResult SelectivePrediction<T>(
        UqContext context,
        ReadOnlySpan<T> uncertainty,
        ReadOnlySpan<T> correct,
        SelectivePredictionOptions? options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        options ??= SelectivePredictionOptions.Default;
        options.Validate();
        if (uncertainty.IsEmpty)
        {
            throw new ArgumentException("uncertainty is empty; the metrics need at least one element.", nameof(uncertainty));
        }

        if (correct.Length != uncertainty.Length)
        {
            throw new ArgumentException(
                $"correct has {correct.Length} elements but uncertainty has {uncertainty.Length}.", nameof(correct));
        }

        for (int i = 0; i < correct.Length; i++)
        {
            T c = correct[i];
            if (T.IsNaN(c))
            {
                throw new ArgumentException($"correct[{i}] is NaN; correctness must be in [0, 1].", nameof(correct));
            }

            if (c < T.Zero || c > T.One)
            {
                throw new ArgumentOutOfRangeException(nameof(correct), $"correct[{i}] = {c}; correctness must be in [0, 1].");
            }
        }

        int nans = 0;
        int firstNaN = -1;
        for (int i = 0; i < uncertainty.Length; i++)
        {
            if (T.IsNaN(uncertainty[i]) && nans++ == 0)
            {
                firstNaN = i;
            }
        }

        if (nans > 0 && options.NanPolicy == NanPolicy.Error)
        {
            throw new ArgumentException(
                $"uncertainty[{firstNaN}] is NaN ({nans} NaN values); pass NanPolicy.Propagate or NanPolicy.Omit to accept them.",
                nameof(uncertainty));
        }

        if (nans > 0 && options.NanPolicy == NanPolicy.Propagate)
        {
            return SelectiveUndefined(uncertainty.Length, options, SelectivePredictionStatus.NaNPropagated);
        }

        int[] order = SelectiveOrder.Ascending(uncertainty);
        int n = order.Length;
        if (n == 0)
        {
            return SelectiveUndefined(0, options, SelectivePredictionStatus.Empty);
        }

        var sortedCorrect = new double[n];
        var sortedError = new double[n];
        for (int k = 0; k < n; k++)
        {
            double c = double.CreateTruncating(correct[order[k]]);
            sortedCorrect[k] = c;
            sortedError[k] = 1 - c;
        }

        int[] groupEnds = options.TiePolicy == SelectiveTiePolicy.TieAveraged ? SelectiveGroupEnds(uncertainty, order) : [];
        double aurcSum = SelectiveCurve.SumOfPrefixMeans(sortedError, groupEnds, out double totalError);
        double liftSum = SelectiveCurve.SumOfPrefixMeans(sortedCorrect, groupEnds, out double totalCorrect);
        double aurc = aurcSum / n;
        double errorRate = totalError / n;
        double accuracy = totalCorrect / n;
        double remaining = 1 - errorRate;
        double oracleTerm = errorRate + (remaining > 0 ? remaining * Math.Log(remaining) : 0);
        double aulc = totalCorrect > 0 ? (liftSum / totalCorrect) - 1 : double.NaN;

        // The oracle accepts the most correct first: correctness descending (its tie order cannot matter).
        double[] oracleCorrect = SelectiveDescending(sortedCorrect);
        var oracleError = new double[n];
        for (int k = 0; k < n; k++)
        {
            oracleError[k] = 1 - oracleCorrect[k];
        }

        double oracleAurc = SelectiveCurve.SumOfPrefixMeans(oracleError, [], out _) / n;
        double oracleLift = SelectiveCurve.SumOfPrefixMeans(oracleCorrect, [], out double oracleTotal);
        bool constantCorrect = oracleCorrect[0] == oracleCorrect[n - 1];
        double relativeAulc = constantCorrect || !(oracleTotal > 0) ? double.NaN : aulc / ((oracleLift / oracleTotal) - 1);

        var coverage = new SelectiveCoverage[options.AccuracyTargets.Count];
        if (coverage.Length > 0)
        {
            var prefix = new double[n];
            SelectiveCurve.PrefixSums(sortedCorrect, groupEnds, prefix);
            for (int t = 0; t < coverage.Length; t++)
            {
                coverage[t] = SelectiveCurve.Coverage(prefix, options.AccuracyTargets[t], options.StartIndex);
            }
        }

        return new SelectivePredictionResult
        {
            Count = n,
            Accuracy = accuracy,
            ErrorRate = errorRate,
            Aurc = aurc,
            CumulativeAbstinenceAuc = 1 - aurc,
            Eaurc = aurc - oracleTerm,
            OracleAurc = oracleAurc,
            Aulc = aulc,
            RelativeAulc = relativeAulc,
            Coverage = coverage,
            TiePolicy = options.TiePolicy,
            Status = SelectivePredictionStatus.Ok,
        };
    }

    /// <summary>Exclusive ends of the runs of equal values (−0 = +0) along <paramref name="order"/>.</summary>
    private static int[] SelectiveGroupEnds<T>(ReadOnlySpan<T> values, int[] order)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ends = new List<int>();
        for (int k = 1; k < order.Length; k++)
        {
            if (values[order[k]] != values[order[k - 1]])
            {
                ends.Add(k);
            }
        }

        ends.Add(order.Length);
        return [.. ends];
    }

    /// <summary><paramref name="values"/> (each in [0, 1]) sorted descending, via a radix sort of their order-preserving keys.</summary>
    private static double[] SelectiveDescending(double[] values)
    {
        int n = values.Length;
        var keys = new ulong[n];
        for (int k = 0; k < n; k++)
        {
            keys[k] = RankingKey.Key(values[k]);
        }

        CpuRadixSort.Sort(keys, new ulong[n]);
        var sorted = new double[n];
        for (int k = 0; k < n; k++)
        {
            ulong key = keys[n - 1 - k];
            ulong bits = (key & 0x8000_0000_0000_0000ul) != 0 ? key ^ 0x8000_0000_0000_0000ul : ~key;
            sorted[k] = BitConverter.UInt64BitsToDouble(bits);
        }

        return sorted;
    }

    private static SelectivePredictionResult SelectiveUndefined(
        long count, SelectivePredictionOptions options, SelectivePredictionStatus status) => new()
        {
            Count = count,
            Accuracy = double.NaN,
            ErrorRate = double.NaN,
            Aurc = double.NaN,
            CumulativeAbstinenceAuc = double.NaN,
            Eaurc = double.NaN,
            OracleAurc = double.NaN,
            Aulc = double.NaN,
            RelativeAulc = double.NaN,
            Coverage = [.. options.AccuracyTargets.Select(a => new SelectiveCoverage(a, double.NaN, double.NaN))],
            TiePolicy = options.TiePolicy,
            Status = status,
        };
}
