namespace UqKernels;

/// <summary>Whether the selective-prediction metrics are defined.</summary>
public enum SelectivePredictionStatus
{
    /// <summary>At least one element was ranked.</summary>
    Ok = 0,

    /// <summary>A NaN uncertainty was found under <see cref="NanPolicy.Propagate"/>: every metric is NaN.</summary>
    NaNPropagated = 1,

    /// <summary>Every uncertainty was NaN and <see cref="NanPolicy.Omit"/> dropped them all: every metric is NaN.</summary>
    Empty = 2,
}

/// <summary>
/// Coverage at one accuracy target α (uq_metrics.md §2.5), with prefix accuracies <c>a_k = C_k/k</c> over the
/// accepted-first order (<c>C_k</c> = cumulative correctness of the k least uncertain elements, tie policy applied).
/// </summary>
/// <param name="Target">The accuracy target α.</param>
/// <param name="Parity">
/// untangle's <c>coverage_for_accuracy</c>, quirks included: <c>k*</c> = the first 0-based index with <c>a &lt; α</c>
/// (0 when none, so a model that always meets α gets 0); <c>k*_ns</c> = <c>s0 +</c> the first index ≥ s0 with
/// <c>a &lt; α</c> (s0 when none), used instead when <c>k*_ns &gt; s0</c>; coverage <c>k*/n</c> (untangle divides in
/// f32, this is f64). When <c>s0 ≥ n</c> (untangle raises on the empty slice) only <c>k*</c> is used.
/// </param>
/// <param name="Corrected">The largest coverage <c>k/n</c> whose prefix accuracy <c>a_k ≥ α</c> (1.0 when the full set meets α, 0 when no prefix does); s0 is not used.</param>
public readonly record struct SelectiveCoverage(double Target, double Parity, double Corrected);

/// <summary>
/// The selective-prediction (risk–coverage) metrics of an uncertainty vector against correctness (uq_metrics.md
/// §2.5, untangle definitions), all in f64. Elements are accepted in ascending uncertainty; <c>n</c> =
/// <see cref="Count"/>; <c>C_k</c>, <c>E_k</c> are the cumulative correctness and error (<c>1 − c</c>) of the first k.
/// </summary>
public sealed record SelectivePredictionResult
{
    /// <summary>Number of ranked elements <c>n</c> (NaN-uncertainty elements excluded under Omit; all counted under Propagate).</summary>
    public required long Count { get; init; }

    /// <summary>Mean correctness <c>ā = Σc/n</c>.</summary>
    public required double Accuracy { get; init; }

    /// <summary>Error rate <c>r = Σ(1 − c)/n</c>; constant uncertainties give AURC exactly this value under the tie-averaged policy.</summary>
    public required double ErrorRate { get; init; }

    /// <summary>Area under the risk–coverage curve <c>AURC = (1/n) Σ_k E_k/k</c>; 0 when every element is correct, 1 when all are wrong.</summary>
    public required double Aurc { get; init; }

    /// <summary>Cumulative abstinence AUC <c>= 1 − AURC</c> (untangle's "higher is better" form).</summary>
    public required double CumulativeAbstinenceAuc { get; init; }

    /// <summary>
    /// Excess AURC <c>AURC − [r + (1 − r)·ln(1 − r)]</c>, the continuous oracle of Geifman et al.; the term is defined
    /// as 1 at <c>r = 1</c> (untangle gives NaN there). The discrete oracle is larger, so a perfect ranking has a small
    /// positive E-AURC at finite n; see <see cref="OracleAurc"/>.
    /// </summary>
    public required double Eaurc { get; init; }

    /// <summary>
    /// The AURC of the best possible ranking (correctness descending), the exact discrete oracle; for binary c with
    /// <c>n_c</c> correct it is <c>(1/n)[(n − n_c) − n_c(H_n − H_{n_c})]</c>.
    /// </summary>
    public required double OracleAurc { get; init; }

    /// <summary>Area under the lift curve <c>AULC = (1/n) Σ_k (C_k/k)/ā − 1</c>; NaN when <c>ā = 0</c>.</summary>
    public required double Aulc { get; init; }

    /// <summary>
    /// <c>rAULC = AULC / AULC(oracle)</c>, the oracle accepting the most correct first; NaN when the oracle's AULC is 0
    /// (constant correctness, e.g. all correct) or <c>ā = 0</c>.
    /// </summary>
    public required double RelativeAulc { get; init; }

    /// <summary>Coverage at each accuracy target of <see cref="SelectivePredictionOptions.AccuracyTargets"/>, in order.</summary>
    public required IReadOnlyList<SelectiveCoverage> Coverage { get; init; }

    /// <summary>The tie policy used.</summary>
    public required SelectiveTiePolicy TiePolicy { get; init; }

    /// <summary>Whether the metrics are defined.</summary>
    public required SelectivePredictionStatus Status { get; init; }
}
