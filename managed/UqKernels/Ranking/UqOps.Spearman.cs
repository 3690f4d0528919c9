using System.Numerics;

namespace UqKernels;

public static partial class UqOps
{
    /// <summary>
    /// Spearman's rank correlation ρ of paired <paramref name="x"/>, <paramref name="y"/> (uq_metrics.md §2.7): the
    /// Pearson correlation of their ranks, by default midranks (<c>scipy.stats.spearmanr</c>).
    /// </summary>
    /// <remarks>
    /// <para>Ranks come from a stable ascending sort of order-preserving keys (−0 ties +0, ±∞ are ordered values), so
    /// ρ is invariant under strictly increasing maps of either input. Ranks are multiples of ½ and the centred sums are
    /// exact in f64 for n up to ~3·10⁵, so ρ(x, x) = 1 and ρ(x, −y) = −ρ(x, y) hold exactly with midranks; then
    /// <c>ρ = S_xy / √(S_xx·S_yy)</c>, clamped to [−1, 1]. Either input constant (or fewer than two pairs) ⇒ NaN with
    /// <see cref="CorrelationStatus.Constant"/>.</para>
    /// <para>NaN (in either input) follows <paramref name="nanPolicy"/>: Error throws naming the array, Propagate returns
    /// NaN, Omit drops the pair (scipy's <c>nan_policy='omit'</c>). Runs on the CPU for every context.</para>
    /// </remarks>
    /// <param name="context">The context (validation only; the metric runs on the CPU).</param>
    /// <param name="x"><c>[n]</c> first variable; n ≥ 1.</param>
    /// <param name="y"><c>[n]</c> second variable.</param>
    /// <param name="ranks">Midranks (default) or stable ordinal ranks.</param>
    /// <param name="nanPolicy">What to do with NaN pairs.</param>
    /// <returns>ρ, the number of pairs and the status.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> is empty, <paramref name="y"/> has another length, or a NaN is found under <see cref="NanPolicy.Error"/> (names the array).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ranks"/> or <paramref name="nanPolicy"/> is undefined.</exception>
    public static CorrelationResult Spearman(
        this UqContext context,
        ReadOnlySpan<float> x,
        ReadOnlySpan<float> y,
        SpearmanRanks ranks = SpearmanRanks.Midrank,
        NanPolicy nanPolicy = NanPolicy.Error) =>
        Correlation(context, x, y, ranks, nanPolicy, rank: true);

    /// <inheritdoc cref="Spearman(UqContext, ReadOnlySpan{float}, ReadOnlySpan{float}, SpearmanRanks, NanPolicy)"/>
    public static CorrelationResult Spearman(
        this UqContext context,
        ReadOnlySpan<double> x,
        ReadOnlySpan<double> y,
        SpearmanRanks ranks = SpearmanRanks.Midrank,
        NanPolicy nanPolicy = NanPolicy.Error) =>
        Correlation(context, x, y, ranks, nanPolicy, rank: true);

    /// <summary>
    /// Pearson's correlation of paired <paramref name="x"/>, <paramref name="y"/> in f64 (<c>scipy.stats.pearsonr</c>):
    /// two passes, <c>r = Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)²·Σ(y − ȳ)²)</c>, clamped to [−1, 1].
    /// </summary>
    /// <remarks>
    /// Either input constant (or fewer than two pairs) ⇒ NaN with <see cref="CorrelationStatus.Constant"/>; an infinite
    /// value gives NaN. NaN handling is that of <see cref="Spearman(UqContext, ReadOnlySpan{float}, ReadOnlySpan{float}, SpearmanRanks, NanPolicy)"/>.
    /// </remarks>
    /// <param name="context">The context (validation only; the metric runs on the CPU).</param>
    /// <param name="x"><c>[n]</c> first variable; n ≥ 1.</param>
    /// <param name="y"><c>[n]</c> second variable.</param>
    /// <param name="nanPolicy">What to do with NaN pairs.</param>
    /// <returns>r, the number of pairs and the status.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> is empty, <paramref name="y"/> has another length, or a NaN is found under <see cref="NanPolicy.Error"/> (names the array).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nanPolicy"/> is undefined.</exception>
    public static CorrelationResult Pearson(
        this UqContext context,
        ReadOnlySpan<float> x,
        ReadOnlySpan<float> y,
        NanPolicy nanPolicy = NanPolicy.Error) =>
        Correlation(context, x, y, SpearmanRanks.Midrank, nanPolicy, rank: false);

    /// <inheritdoc cref="Pearson(UqContext, ReadOnlySpan{float}, ReadOnlySpan{float}, NanPolicy)"/>
    public static CorrelationResult Pearson(
        this UqContext context,
        ReadOnlySpan<double> x,
        ReadOnlySpan<double> y,
        NanPolicy nanPolicy = NanPolicy.Error) =>
        Correlation(context, x, y, SpearmanRanks.Midrank, nanPolicy, rank: false);

    private static CorrelationResult Correlation<T>(
        UqContext context,
        ReadOnlySpan<T> x,
        ReadOnlySpan<T> y,
        SpearmanRanks ranks,
        NanPolicy nanPolicy,
        bool rank)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Enum.IsDefined(ranks))
        {
            throw new ArgumentOutOfRangeException(nameof(ranks), ranks, "ranks must be Midrank or OrdinalStable.");
        }

        if (!Enum.IsDefined(nanPolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(nanPolicy), nanPolicy, "nanPolicy must be Error, Propagate or Omit.");
        }

        if (x.IsEmpty)
        {
            throw new ArgumentException("x is empty; a correlation needs at least one pair.", nameof(x));
        }

        if (y.Length != x.Length)
        {
            throw new ArgumentException($"y has {y.Length} elements but x has {x.Length}.", nameof(y));
        }

        int pairs = 0;
        for (int i = 0; i < x.Length; i++)
        {
            bool xNaN = T.IsNaN(x[i]);
            if (xNaN || T.IsNaN(y[i]))
            {
                if (nanPolicy == NanPolicy.Error)
                {
                    string name = xNaN ? nameof(x) : nameof(y);
                    throw new ArgumentException(
                        $"{name}[{i}] is NaN; pass NanPolicy.Propagate or NanPolicy.Omit to accept NaN pairs.", name);
                }

                if (nanPolicy == NanPolicy.Propagate)
                {
                    return new CorrelationResult
                    {
                        Coefficient = double.NaN, Count = x.Length, Status = CorrelationStatus.NaNPropagated,
                    };
                }
            }
            else
            {
                pairs++;
            }
        }

        ReadOnlySpan<T> xs = x;
        ReadOnlySpan<T> ys = y;
        if (pairs < x.Length)
        {
            var keptX = new T[pairs];
            var keptY = new T[pairs];
            int k = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (!T.IsNaN(x[i]) && !T.IsNaN(y[i]))
                {
                    keptX[k] = x[i];
                    keptY[k++] = y[i];
                }
            }

            xs = keptX;
            ys = keptY;
        }

        double[] a = rank ? SpearmanRanksOf(xs, ranks, out bool xConstant) : Widen(xs, out xConstant);
        double[] b = rank ? SpearmanRanksOf(ys, ranks, out bool yConstant) : Widen(ys, out yConstant);
        if (pairs < 2 || xConstant || yConstant)
        {
            return new CorrelationResult { Coefficient = double.NaN, Count = pairs, Status = CorrelationStatus.Constant };
        }

        return new CorrelationResult { Coefficient = PearsonOf(a, b), Count = pairs, Status = CorrelationStatus.Ok };
    }

    /// <summary>1-based ranks of <paramref name="values"/> (no NaN), midranks or stable ordinal ranks.</summary>
    private static double[] SpearmanRanksOf<T>(ReadOnlySpan<T> values, SpearmanRanks mode, out bool constant)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] order = SelectiveOrder.Ascending(values);
        int n = order.Length;
        var ranks = new double[n];
        constant = n == 0 || values[order[0]] == values[order[n - 1]];
        if (mode == SpearmanRanks.OrdinalStable)
        {
            for (int k = 0; k < n; k++)
            {
                ranks[order[k]] = k + 1;
            }

            return ranks;
        }

        int start = 0;
        while (start < n)
        {
            int end = start + 1;
            while (end < n && values[order[end]] == values[order[start]])
            {
                end++;
            }

            double midrank = (start + end + 1) * 0.5;
            for (int k = start; k < end; k++)
            {
                ranks[order[k]] = midrank;
            }

            start = end;
        }

        return ranks;
    }

    private static double[] Widen<T>(ReadOnlySpan<T> values, out bool constant)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var wide = new double[values.Length];
        constant = true;
        for (int i = 0; i < values.Length; i++)
        {
            wide[i] = double.CreateTruncating(values[i]);
            constant &= values[i] == values[0];
        }

        return wide;
    }

    /// <summary>Two-pass Pearson correlation in f64, clamped to [−1, 1].</summary>
    private static double PearsonOf(double[] a, double[] b)
    {
        int n = a.Length;
        double sumA = 0;
        double sumB = 0;
        for (int i = 0; i < n; i++)
        {
            sumA += a[i];
            sumB += b[i];
        }

        double meanA = sumA / n;
        double meanB = sumB / n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++)
        {
            double da = a[i] - meanA;
            double db = b[i] - meanB;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }

        double product = saa * sbb;
        double denominator = double.IsFinite(product) && product > 0 ? Math.Sqrt(product) : Math.Sqrt(saa) * Math.Sqrt(sbb);
        return Math.Clamp(sab / denominator, -1.0, 1.0);
    }
}
