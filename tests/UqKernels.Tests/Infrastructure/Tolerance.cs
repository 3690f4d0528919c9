namespace UqKernels.Tests.Infrastructure;

/// <summary>
/// Every tolerance of the suite, in one place, with its reason. Errors are measured as
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

    /// <summary>Asserts elementwise agreement, naming the first mismatch and the worst error.</summary>
    public void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!Matches(actual[i], expected[i]))
            {
                Assert.Fail(
                    $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (|Δ| = {Math.Abs(actual[i] - expected[i]):E3}, "
                    + $"bound {Bound(expected[i]):E3}).");
            }
        }
    }
}
