namespace UqKernels;

/// <summary>
/// R@1 and R-AUROC of an embedding (URL benchmark, uq_metrics.md §2.6): the cosine nearest neighbour of every row
/// (excluding itself) and whether it has the same class.
/// </summary>
public sealed record RecallAtOneResult
{
    /// <summary><c>R@1 = (1/n) Σ_i r_i</c> with <c>r_i = 1[class(nn(i)) = class(i)]</c>.</summary>
    public required double RecallAtOne { get; init; }

    /// <summary>Number of rows <c>n</c>.</summary>
    public required long Count { get; init; }

    /// <summary><c>Σ_i r_i</c>, the rows whose nearest neighbour has the same class.</summary>
    public required long Correct { get; init; }

    /// <summary>
    /// <c>R-AUROC = AUROC(y = r, score = −u)</c>, exact and sklearn-compatible (ties get half credit; no sigmoid, unlike
    /// torchmetrics); NaN when no uncertainty was given, when every <c>r_i</c> is equal, or for a propagated NaN.
    /// </summary>
    public required double RAuroc { get; init; }

    /// <summary>The full AUROC result behind <see cref="RAuroc"/> (class counts, exact numerator, status), or null when no uncertainty was given.</summary>
    public RankingResult? RAurocDetails { get; init; }
}
