namespace UqKernels;

/// <summary>How the score matrix of a columns-mode batched AUROC is laid out in memory.</summary>
public enum ScoreLayout
{
    /// <summary>Row-major <c>[N, K]</c> (samples × columns): score of sample i in column k at <c>i·K + k</c>.</summary>
    SampleMajor = 0,

    /// <summary>Column-major, i.e. row-major <c>[K, N]</c> (columns × samples): score of sample i in column k at <c>k·N + i</c>.</summary>
    ColumnMajor = 1,
}

/// <summary>How per-segment metrics are averaged (sklearn's <c>average=</c>).</summary>
public enum AverageMode
{
    /// <summary>Unweighted mean over segments (<c>'macro'</c>).</summary>
    Macro = 0,

    /// <summary>Mean weighted by the support <c>n_pos</c> of each segment (<c>'weighted'</c>).</summary>
    Weighted = 1,
}

/// <summary>Options of the batched ranking operations.</summary>
public sealed record RankingBatchOptions
{
    /// <summary>The defaults: <see cref="NanPolicy.Error"/>, undefined segments make the averages NaN.</summary>
    public static RankingBatchOptions Default { get; } = new();

    /// <summary>What to do with NaN scores (applied per segment).</summary>
    public NanPolicy NanPolicy { get; init; } = NanPolicy.Error;

    /// <summary>
    /// False (default): an average is NaN when any segment's metric is undefined (sklearn 1.2 raises instead).
    /// True: undefined segments are left out of the averages (torchmetrics' macro behaviour; sklearn's
    /// <c>AverageIgnoringUndefined</c> of uq_metrics.md §2.3).
    /// </summary>
    public bool IgnoreUndefined { get; init; }

    internal void Validate()
    {
        if (!Enum.IsDefined(NanPolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(NanPolicy), NanPolicy, "NanPolicy must be Error, Propagate or Omit.");
        }
    }
}

/// <summary>
/// Per-segment exact AUROC and AP of a batched call (columns, one-vs-rest classes or CSR segments; uq_metrics.md §2.3),
/// with macro and support-weighted averages.
/// </summary>
/// <remarks>
/// Segment k: <c>Auroc[k] = NumeratorTwiceU[k] / (2·Positives[k]·Negatives[k])</c> (exact int64 numerator, ties half
/// credit), <c>AveragePrecision[k] = (1/n1) Σ_g pos_g·TP_g/(TP_g+FP_g)</c> over descending tie groups. Undefined metrics
/// are NaN with a <see cref="RankingStatus"/>: one class ⇒ AUROC NaN (AP NaN without positives, 1.0 when all positive);
/// no element ranked ⇒ <see cref="RankingStatus.Empty"/>; NaN score under <see cref="NanPolicy.Propagate"/> ⇒ both NaN.
/// </remarks>
public sealed class RankingBatchResult
{
    /// <summary><c>[K]</c> AUROC per segment (NaN when undefined).</summary>
    public required double[] Auroc { get; init; }

    /// <summary><c>[K]</c> average precision per segment (NaN when undefined).</summary>
    public required double[] AveragePrecision { get; init; }

    /// <summary><c>[K]</c> positives ranked per segment (the support of the weighted average).</summary>
    public required long[] Positives { get; init; }

    /// <summary><c>[K]</c> negatives ranked per segment.</summary>
    public required long[] Negatives { get; init; }

    /// <summary><c>[K]</c> exact numerator <c>2U</c> per segment (0 unless the status is Ok).</summary>
    public required long[] NumeratorTwiceU { get; init; }

    /// <summary><c>[K]</c> status per segment.</summary>
    public required RankingStatus[] Status { get; init; }

    /// <summary>Whether <see cref="MacroAuroc"/> and the other average properties leave undefined segments out.</summary>
    public required bool IgnoreUndefined { get; init; }

    /// <summary>Number of segments K.</summary>
    public int Count => Auroc.Length;

    /// <summary>Unweighted mean AUROC (see <see cref="IgnoreUndefined"/>).</summary>
    public double MacroAuroc => AurocAverage(AverageMode.Macro, IgnoreUndefined);

    /// <summary>AUROC averaged with weights <c>n_pos</c> (see <see cref="IgnoreUndefined"/>).</summary>
    public double WeightedAuroc => AurocAverage(AverageMode.Weighted, IgnoreUndefined);

    /// <summary>Unweighted mean AP (see <see cref="IgnoreUndefined"/>).</summary>
    public double MacroAveragePrecision => AveragePrecisionAverage(AverageMode.Macro, IgnoreUndefined);

    /// <summary>AP averaged with weights <c>n_pos</c> (see <see cref="IgnoreUndefined"/>).</summary>
    public double WeightedAveragePrecision => AveragePrecisionAverage(AverageMode.Weighted, IgnoreUndefined);

    /// <summary>The result of segment <paramref name="index"/> as a single-vector <see cref="RankingResult"/>.</summary>
    public RankingResult this[int index] => new()
    {
        Auroc = Auroc[index],
        AveragePrecision = AveragePrecision[index],
        Positives = Positives[index],
        Negatives = Negatives[index],
        NumeratorTwiceU = NumeratorTwiceU[index],
        Status = Status[index],
    };

    /// <summary>
    /// The average of the AUROCs: macro <c>Σ_k a_k / K</c> or weighted <c>Σ_k n1_k·a_k / Σ_k n1_k</c>, summed in f64 in
    /// segment order. A segment counts as undefined when its AUROC is NaN; with
    /// <paramref name="ignoreUndefined"/> false any undefined segment makes the average NaN, with true such segments are
    /// left out (NaN when none is left, or when all weights are 0).
    /// </summary>
    public double AurocAverage(AverageMode mode, bool ignoreUndefined) => Average(Auroc, mode, ignoreUndefined);

    /// <summary>The average of the APs, with the rules of <see cref="AurocAverage"/>.</summary>
    public double AveragePrecisionAverage(AverageMode mode, bool ignoreUndefined) =>
        Average(AveragePrecision, mode, ignoreUndefined);

    private double Average(double[] values, AverageMode mode, bool ignoreUndefined)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be Macro or Weighted.");
        }

        double sum = 0;
        double weights = 0;
        for (int k = 0; k < values.Length; k++)
        {
            double value = values[k];
            if (double.IsNaN(value))
            {
                if (ignoreUndefined)
                {
                    continue;
                }

                return double.NaN;
            }

            double weight = mode == AverageMode.Macro ? 1.0 : Positives[k];
            sum += weight * value;
            weights += weight;
        }

        return weights > 0 ? sum / weights : double.NaN;
    }
}
