namespace UqKernels;

/// <summary>The UqKernels operations, one public operation per file, as extension methods of <see cref="UqContext"/>.</summary>
public static partial class UqOps
{
    /// <summary>
    /// Exact binary AUROC and average precision of <paramref name="scores"/> against 0/1 <paramref name="labels"/>
    /// (uq_metrics.md §2.2, §2.4), identical to sklearn's <c>roc_auc_score</c> and <c>average_precision_score</c>.
    /// </summary>
    /// <remarks>
    /// <para>With tie groups g of equal scores: <c>AUROC = 2U / (2·n1·n0)</c>, where the exact int64 numerator
    /// <c>2U = Σ_g pos_g·(2·negBelow_g + neg_g)</c> (groups ascending; negBelow_g = negatives in strictly lower groups)
    /// gives tied positive–negative pairs half credit (= Mann–Whitney U with midranks). Constant scores give 0.5
    /// exactly. <c>AP = (1/n1) Σ_g pos_g·TP_g/(TP_g + FP_g)</c> with TP_g, FP_g counted through group g in descending
    /// score order (sklearn's step definition, not the trapezoid).</para>
    /// <para>Ties are exact equality in the input dtype; −0 and +0 tie; ±∞ are ordinary ordered values and equal
    /// infinities tie (sklearn rejects them). NaN scores follow <paramref name="nanPolicy"/>. One class only ⇒ AUROC NaN
    /// and <see cref="RankingStatus.OneClass"/>; nothing left after omitting NaNs ⇒ <see cref="RankingStatus.Empty"/>.</para>
    /// <para>CPU: an O(n) LSD radix sort (11-bit digits, both cores) of packed keys <c>(key &lt;&lt; 1) | label</c>, then
    /// one scan. ILGPU contexts run the device pipeline (key build, radix sort, scan of negatives, integer reduction).
    /// The numerator is bit-identical on every backend; AP may differ in the last bits (summation order).</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="scores">Scores, higher = more like the positive class.</param>
    /// <param name="labels">Labels, 1 = positive, 0 = negative, one per score.</param>
    /// <param name="nanPolicy">What to do with NaN scores.</param>
    /// <returns>AUROC, AP, the class counts, the exact numerator and the status.</returns>
    /// <exception cref="ArgumentException">Scores are empty, the lengths differ (names labels), or a score is NaN under <see cref="NanPolicy.Error"/> (names scores).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is neither 0 nor 1, or <paramref name="nanPolicy"/> is undefined.</exception>
    public static RankingResult Auroc(
        this UqContext context,
        ReadOnlySpan<float> scores,
        ReadOnlySpan<byte> labels,
        NanPolicy nanPolicy = NanPolicy.Error) =>
        AurocSingle(context, scores, labels, nanPolicy, RankingScoreType.Float32);

    /// <inheritdoc cref="Auroc(UqContext, ReadOnlySpan{float}, ReadOnlySpan{byte}, NanPolicy)"/>
    public static RankingResult Auroc(
        this UqContext context,
        ReadOnlySpan<double> scores,
        ReadOnlySpan<byte> labels,
        NanPolicy nanPolicy = NanPolicy.Error) =>
        AurocSingle(context, scores, labels, nanPolicy, RankingScoreType.Float64);

    /// <summary>
    /// Exact AUROC and AP of binary16 scores by the O(n + 2^16) histogram path (uq_metrics.md §2.1): per-key
    /// positive/negative counts and one ascending scan. Bit-identical to the sorted f32 path on the same values.
    /// </summary>
    /// <inheritdoc cref="Auroc(UqContext, ReadOnlySpan{float}, ReadOnlySpan{byte}, NanPolicy)"/>
    public static RankingResult Auroc(
        this UqContext context,
        ReadOnlySpan<Half> scores,
        ReadOnlySpan<byte> labels,
        NanPolicy nanPolicy = NanPolicy.Error) =>
        AurocSingle(context, scores, labels, nanPolicy, RankingScoreType.Half);

    /// <summary>
    /// Exact AUROC and AP of bfloat16 scores by the O(n + 2^16) histogram path (uq_metrics.md §2.1). Bit-identical to
    /// the sorted f32 path on the same values.
    /// </summary>
    /// <inheritdoc cref="Auroc(UqContext, ReadOnlySpan{float}, ReadOnlySpan{byte}, NanPolicy)"/>
    public static RankingResult Auroc(
        this UqContext context,
        ReadOnlySpan<BFloat16> scores,
        ReadOnlySpan<byte> labels,
        NanPolicy nanPolicy = NanPolicy.Error) =>
        AurocSingle(context, scores, labels, nanPolicy, RankingScoreType.BFloat16);

    private static unsafe RankingResult AurocSingle<TScore>(
        UqContext context, ReadOnlySpan<TScore> scores, ReadOnlySpan<byte> labels, NanPolicy nanPolicy, RankingScoreType type)
        where TScore : unmanaged
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Enum.IsDefined(nanPolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(nanPolicy), nanPolicy, "nanPolicy must be Error, Propagate or Omit.");
        }

        if (scores.IsEmpty)
        {
            throw new ArgumentException("scores is empty; AUROC needs at least one element of each class.", nameof(scores));
        }

        if (labels.Length != scores.Length)
        {
            throw new ArgumentException($"labels has {labels.Length} elements but scores has {scores.Length}.", nameof(labels));
        }

        RankingValidation.BinaryLabels(labels, nameof(labels));
        int* offsets = stackalloc int[2];
        offsets[0] = 0;
        offsets[1] = scores.Length;
        fixed (TScore* s = scores)
        fixed (byte* y = labels)
        {
            var problem = new RankingProblem
            {
                Mode = RankingMode.Segments,
                ScoreType = type,
                SegmentCount = 1,
                Scores = s,
                Labels = y,
                Offsets = offsets,
                NanPolicy = nanPolicy,
            };
            return RunRankingProblem(context, problem, ignoreUndefined: false)[0];
        }
    }
}
