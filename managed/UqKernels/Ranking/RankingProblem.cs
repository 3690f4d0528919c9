using UqKernels.Kernels.Ranking;

namespace UqKernels;

/// <summary>Which batched layout a ranking call has (uq_metrics.md §2.3).</summary>
internal enum RankingMode
{
    /// <summary>Score columns with shared 0/1 labels <c>[N]</c>.</summary>
    Columns = 0,

    /// <summary>Class probabilities <c>[N, C]</c> with class labels <c>[N]</c>; column c is ranked against <c>1[y = c]</c>.</summary>
    OneVsRest = 1,

    /// <summary>CSR offsets over concatenated scores and 0/1 labels.</summary>
    Segments = 2,
}

/// <summary>The element type of the scores.</summary>
internal enum RankingScoreType
{
    Float32 = 0,
    Float64 = 1,
    Half = 2,
    BFloat16 = 3,
}

/// <summary>
/// A validated batched ranking problem over pinned host memory. Segment s, element j (0 ≤ j &lt; length(s)) has score
/// <c>Scores[ScoreIndex(s, j)]</c> and label <see cref="Label"/>(s, j).
/// </summary>
internal unsafe readonly struct RankingProblem
{
    public RankingMode Mode { get; init; }

    public RankingScoreType ScoreType { get; init; }

    public int SegmentCount { get; init; }

    /// <summary>N, the samples of a dense (columns / one-vs-rest) problem.</summary>
    public int Samples { get; init; }

    public ScoreLayout Layout { get; init; }

    public void* Scores { get; init; }

    /// <summary>Columns: the shared labels <c>[N]</c>; segments: the concatenated labels.</summary>
    public byte* Labels { get; init; }

    /// <summary>One-vs-rest: class labels <c>[N]</c>.</summary>
    public int* ClassLabels { get; init; }

    /// <summary>Segments: offsets <c>[S + 1]</c>.</summary>
    public int* Offsets { get; init; }

    public NanPolicy NanPolicy { get; init; }

    /// <summary>True when one segment's scores are strided in memory (row-major samples × columns).</summary>
    public bool IsRowMajor => Mode == RankingMode.OneVsRest || (Mode == RankingMode.Columns && Layout == ScoreLayout.SampleMajor);

    public int Length(int segment) => Mode == RankingMode.Segments ? Offsets[segment + 1] - Offsets[segment] : Samples;

    /// <summary>The flat index of element j of segment s in the scores buffer.</summary>
    public long ScoreIndex(int segment, int j) => Mode switch
    {
        RankingMode.Segments => (long)Offsets[segment] + j,
        _ when IsRowMajor => ((long)j * SegmentCount) + segment,
        _ => ((long)segment * Samples) + j,
    };

    public int Label(int segment, int j) => Mode switch
    {
        RankingMode.Columns => Labels[j],
        RankingMode.OneVsRest => ClassLabels[j] == segment ? 1 : 0,
        _ => Labels[Offsets[segment] + j],
    };

    public bool IsNaN(long index) => ScoreType switch
    {
        RankingScoreType.Float32 => float.IsNaN(((float*)Scores)[index]),
        RankingScoreType.Float64 => double.IsNaN(((double*)Scores)[index]),
        RankingScoreType.Half => RankingKey.IsNaNHalf(((ushort*)Scores)[index]),
        _ => RankingKey.IsNaNBFloat16(((ushort*)Scores)[index]),
    };
}

/// <summary>The raw integer/f64 totals of one segment, before the status rules.</summary>
internal struct SegmentTotals
{
    /// <summary>Positives among the non-NaN scores.</summary>
    public long Positives;

    /// <summary>Negatives among the non-NaN scores.</summary>
    public long Negatives;

    /// <summary>NaN scores with label 1.</summary>
    public long NaNPositives;

    /// <summary>NaN scores with label 0.</summary>
    public long NaNNegatives;

    public long TwiceU;

    public double ApSum;

    public readonly long NaNs => NaNPositives + NaNNegatives;

    public static SegmentTotals From(in TieGroupTally tally, long nanPositives, long nanNegatives) => new()
    {
        Positives = tally.N1,
        Negatives = tally.N0,
        NaNPositives = nanPositives,
        NaNNegatives = nanNegatives,
        TwiceU = tally.TwiceU,
        ApSum = tally.ApSum,
    };
}

/// <summary>Turns segment totals into the public result, applying the NaN policy and the status rules.</summary>
internal static class RankingFinish
{
    public static RankingBatchResult Create(int segments, bool ignoreUndefined) => new()
    {
        Auroc = new double[segments],
        AveragePrecision = new double[segments],
        Positives = new long[segments],
        Negatives = new long[segments],
        NumeratorTwiceU = new long[segments],
        Status = new RankingStatus[segments],
        IgnoreUndefined = ignoreUndefined,
    };

    public static void Store(RankingBatchResult result, int segment, in SegmentTotals t, NanPolicy policy)
    {
        long n1 = t.Positives;
        long n0 = t.Negatives;
        if (t.NaNs > 0 && policy == NanPolicy.Propagate)
        {
            Set(result, segment, double.NaN, double.NaN, n1 + t.NaNPositives, n0 + t.NaNNegatives, 0, RankingStatus.NaNPropagated);
        }
        else if (n1 + n0 == 0)
        {
            Set(result, segment, double.NaN, double.NaN, 0, 0, 0, RankingStatus.Empty);
        }
        else if (n1 == 0 || n0 == 0)
        {
            Set(result, segment, double.NaN, n1 > 0 ? 1.0 : double.NaN, n1, n0, 0, RankingStatus.OneClass);
        }
        else
        {
            // 2U and 2·n1·n0 are exact below 2^53, so the quotient is correctly rounded.
            Set(result, segment, (double)t.TwiceU / (double)(2 * n1 * n0), t.ApSum, n1, n0, t.TwiceU, RankingStatus.Ok);
        }
    }

    private static void Set(
        RankingBatchResult result, int segment, double auroc, double ap, long n1, long n0, long twiceU, RankingStatus status)
    {
        result.Auroc[segment] = auroc;
        result.AveragePrecision[segment] = ap;
        result.Positives[segment] = n1;
        result.Negatives[segment] = n0;
        result.NumeratorTwiceU[segment] = twiceU;
        result.Status[segment] = status;
    }
}
