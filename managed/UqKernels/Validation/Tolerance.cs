namespace UqKernels.Validation;

/// <summary>
/// Every tolerance used by the tests and by <c>uqk validate</c>, in one place, with its reason. Errors are measured as
/// <c>|actual − expected| ≤ Absolute + Relative·|expected|</c> against float64 references.
/// </summary>
public readonly record struct Tolerance(double Absolute, double Relative)
{
    /// <summary>
    /// f32 compute, C ≤ ~4k (uq_metrics.md §1.8: 2e−6·(1 + |ref|)): a handful of f32 roundings in the shifted
    /// sums, each ≤ 6e−8 relative, times the condition of log/exp near 1.
    /// </summary>
    public static Tolerance F32 { get; } = new(2e-6, 2e-6);

    /// <summary>f32 compute over long rows (C ≥ 32k, token level): 2e−5·(1 + |ref|) per §1.8.</summary>
    public static Tolerance F32LongRows { get; } = new(2e-5, 2e-5);

    /// <summary>f64 compute: the same algebra in f64; 1e−12 leaves ~4 decimal digits of headroom over sum error.</summary>
    public static Tolerance F64 { get; } = new(1e-12, 1e-12);

    /// <summary>The allowed error for <paramref name="expected"/>.</summary>
    public double Bound(double expected) => Absolute + (Relative * Math.Abs(expected));

    /// <summary>
    /// True when <paramref name="actual"/> matches: NaN only with NaN, an infinity only with the same infinity,
    /// otherwise within <see cref="Bound"/>.
    /// </summary>
    public bool Matches(double actual, double expected)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
        {
            return double.IsNaN(expected) && double.IsNaN(actual);
        }

        if (double.IsInfinity(expected) || double.IsInfinity(actual))
        {
            return actual == expected;
        }

        return Math.Abs(actual - expected) <= Bound(expected);
    }

    /// <summary>
    /// The worst error of <paramref name="actual"/> as a multiple of its bound (≤ 1 passes; +∞ when a NaN or an
    /// infinity does not match), and the index where it occurs (−1 for empty input).
    /// </summary>
    public (double WorstRatio, int Index) Worst(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual)
    {
        if (expected.Length != actual.Length)
        {
            throw new ArgumentException(
                $"actual has {actual.Length} elements but expected has {expected.Length}.", nameof(actual));
        }

        double worst = 0;
        int index = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double ratio = Matches(actual[i], expected[i])
                ? (double.IsFinite(expected[i]) ? Math.Abs(actual[i] - expected[i]) / Bound(expected[i]) : 0)
                : double.PositiveInfinity;
            if (index < 0 || ratio > worst)
            {
                worst = ratio;
                index = i;
            }
        }

        return (worst, index);
    }
}
