namespace UqKernels.Tests.Infrastructure;

/// <summary>xunit assertions over <see cref="Tolerance"/>.</summary>
public static class ToleranceAssertions
{
    /// <summary>Asserts elementwise agreement, naming the first mismatch with its error and bound.</summary>
    public static void AssertClose(this Tolerance tolerance, ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (!tolerance.Matches(actual[i], expected[i]))
            {
                Assert.Fail(
                    $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (|Δ| = {Math.Abs(actual[i] - expected[i]):E3}, "
                    + $"bound {tolerance.Bound(expected[i]):E3}).");
            }
        }
    }
}
