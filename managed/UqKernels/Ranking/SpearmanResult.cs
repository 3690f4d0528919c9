namespace UqKernels;

/// <summary>How <see cref="UqOps.Spearman(UqContext, ReadOnlySpan{float}, ReadOnlySpan{float}, SpearmanRanks, NanPolicy)"/> ranks tied values (uq_metrics.md §2.7).</summary>
public enum SpearmanRanks
{
    /// <summary>
    /// A tie group occupying sorted positions <c>a+1..b</c> gets the average rank <c>(a + b + 1)/2</c>
    /// (<c>scipy.stats.spearmanr</c>).
    /// </summary>
    Midrank = 0,

    /// <summary>
    /// Ranks 1..n in stable ascending order (ties broken by index) — untangle's ordinal ranks (a double argsort) with
    /// a defined tie order. Differs from the midrank result when ties are common.
    /// </summary>
    OrdinalStable = 1,
}

/// <summary>Whether a correlation coefficient is defined.</summary>
public enum CorrelationStatus
{
    /// <summary>The coefficient is defined.</summary>
    Ok = 0,

    /// <summary>One input is constant (or fewer than two pairs remain): the coefficient is NaN (scipy warns and returns NaN; untangle returns NaN).</summary>
    Constant = 1,

    /// <summary>A NaN was found under <see cref="NanPolicy.Propagate"/>: the coefficient is NaN.</summary>
    NaNPropagated = 2,
}

/// <summary>A correlation coefficient (Spearman or Pearson) of two paired vectors, computed in f64.</summary>
public sealed record CorrelationResult
{
    /// <summary>The coefficient in [−1, 1]; NaN unless <see cref="Status"/> is <see cref="CorrelationStatus.Ok"/>.</summary>
    public required double Coefficient { get; init; }

    /// <summary>Number of pairs used (pairs with a NaN dropped under <see cref="NanPolicy.Omit"/>).</summary>
    public required long Count { get; init; }

    /// <summary>Whether the coefficient is defined.</summary>
    public required CorrelationStatus Status { get; init; }
}
