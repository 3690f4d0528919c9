namespace UqKernels;

/// <summary>How the selective-prediction metrics order elements whose uncertainties tie (uq_metrics.md §2.5).</summary>
public enum SelectiveTiePolicy
{
    /// <summary>
    /// The expectation over random tie-breaking: each element's correctness is replaced by the mean of its tie group
    /// before the cumulative sums. Invariant to permuting the input; constant uncertainties give AURC = error rate.
    /// </summary>
    TieAveraged = 0,

    /// <summary>
    /// Index order inside ties (<c>np.argsort(u, kind='stable')</c>). Equals untangle exactly when there are no ties;
    /// untangle's own tie order (a non-stable <c>torch.argsort</c>) is implementation-defined.
    /// </summary>
    Stable = 1,
}

/// <summary>Options of <see cref="UqOps.SelectivePrediction(UqContext, ReadOnlySpan{float}, ReadOnlySpan{float}, SelectivePredictionOptions?)"/>.</summary>
public sealed record SelectivePredictionOptions
{
    /// <summary>The defaults: tie-averaged, NaN uncertainties rejected, accuracy targets 0.95 and 0.99, start index 200 (untangle).</summary>
    public static SelectivePredictionOptions Default { get; } = new();

    /// <summary>The tie policy; <see cref="SelectiveTiePolicy.TieAveraged"/> by default.</summary>
    public SelectiveTiePolicy TiePolicy { get; init; } = SelectiveTiePolicy.TieAveraged;

    /// <summary>What to do with NaN uncertainties (a NaN correctness is always an error).</summary>
    public NanPolicy NanPolicy { get; init; } = NanPolicy.Error;

    /// <summary>The accuracy targets α ∈ (0, 1] of the coverage-for-accuracy metric, one result per target (may be empty).</summary>
    public IReadOnlyList<double> AccuracyTargets { get; init; } = [0.95, 0.99];

    /// <summary>untangle's start index <c>s0 ≥ 0</c> of the parity coverage (its noise guard); 200 by default.</summary>
    public int StartIndex { get; init; } = 200;

    internal void Validate()
    {
        if (!Enum.IsDefined(TiePolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(TiePolicy), TiePolicy, "TiePolicy must be TieAveraged or Stable.");
        }

        if (!Enum.IsDefined(NanPolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(NanPolicy), NanPolicy, "NanPolicy must be Error, Propagate or Omit.");
        }

        ArgumentNullException.ThrowIfNull(AccuracyTargets);
        for (int i = 0; i < AccuracyTargets.Count; i++)
        {
            double alpha = AccuracyTargets[i];
            if (!(alpha > 0 && alpha <= 1))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(AccuracyTargets), alpha, $"AccuracyTargets[{i}] = {alpha}; every target must be in (0, 1].");
            }
        }

        if (StartIndex < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(StartIndex), StartIndex, "StartIndex must be at least 0.");
        }
    }
}
