namespace UqKernels;

/// <summary>Whether a ranking metric is defined for its input.</summary>
public enum RankingStatus
{
    /// <summary>Both classes are present and no NaN was propagated; every metric is defined.</summary>
    Ok = 0,

    /// <summary>
    /// Only one class is present (after <see cref="NanPolicy.Omit"/>): AUROC is NaN; AP is NaN with no
    /// positives (sklearn 1.2.1 returns −0.0, later versions 0.0) and 1.0 when every element is positive.
    /// </summary>
    OneClass = 1,

    /// <summary>A NaN score was found under <see cref="NanPolicy.Propagate"/>: AUROC and AP are NaN.</summary>
    NaNPropagated = 2,

    /// <summary>No element was ranked (an empty segment, or every score NaN under <see cref="NanPolicy.Omit"/>): AUROC and AP are NaN.</summary>
    Empty = 3,
}

/// <summary>
/// Binary ranking metrics of one score vector against 0/1 labels (uq_metrics.md §2.2, §2.4). Ties get half credit in
/// AUROC and are grouped in AP, exactly as sklearn's <c>roc_auc_score</c> / <c>average_precision_score</c>.
/// </summary>
public sealed record RankingResult
{
    /// <summary>
    /// <c>AUROC = 2U / (2·n1·n0)</c> in f64 from the exact integer <see cref="NumeratorTwiceU"/>; NaN unless
    /// <see cref="Status"/> is <see cref="RankingStatus.Ok"/>.
    /// </summary>
    public required double Auroc { get; init; }

    /// <summary>
    /// Average precision, sklearn's step sum <c>(1/n1) Σ_g pos_g·TP_g/(TP_g + FP_g)</c> over tie groups in descending
    /// score order (no interpolation); NaN with no positives or a propagated NaN, 1.0 when every element is positive.
    /// </summary>
    public required double AveragePrecision { get; init; }

    /// <summary>Number of positives <c>n1</c> that were ranked (NaN-score elements excluded under Omit; all counted under Propagate).</summary>
    public required long Positives { get; init; }

    /// <summary>Number of negatives <c>n0</c> that were ranked (as for <see cref="Positives"/>).</summary>
    public required long Negatives { get; init; }

    /// <summary>
    /// The exact Mann–Whitney numerator <c>2U = Σ_g pos_g·(2·negBelow_g + neg_g)</c> over tie groups in ascending
    /// order (= 2·#{pos &gt; neg} + #{pos = neg} pairs); 0 when a NaN was propagated.
    /// </summary>
    public required long NumeratorTwiceU { get; init; }

    /// <summary>Whether the metrics are defined.</summary>
    public required RankingStatus Status { get; init; }
}
