namespace UqKernels;

public static partial class UqOps
{
    /// <summary>
    /// Exact AUROC and AP of every column of a score matrix against shared 0/1 labels (uq_metrics.md §2.3 mode 1:
    /// estimators × one correctness target), identical per column to sklearn's <c>roc_auc_score</c> /
    /// <c>average_precision_score</c>.
    /// </summary>
    /// <remarks>
    /// <para>Column k: <c>AUROC_k = 2U_k / (2·n1·n0)</c> with the exact int64 numerator
    /// <c>2U = Σ_g pos_g·(2·negBelow_g + neg_g)</c> over tie groups g in ascending score order (ties get half credit);
    /// <c>AP_k = (1/n1) Σ_g pos_g·TP_g/(TP_g + FP_g)</c> over tie groups in descending order (sklearn's step sum).
    /// Ties are exact equality in the input dtype (−0 = +0); ±∞ are ordinary ordered values.</para>
    /// <para>NaN scores follow <see cref="RankingBatchOptions.NanPolicy"/> per column: Error throws naming
    /// <paramref name="scores"/> and the first NaN's flat index; Propagate makes that column NaN with
    /// <see cref="RankingStatus.NaNPropagated"/>; Omit drops the element from that column only. A column with one class
    /// is NaN with <see cref="RankingStatus.OneClass"/>; averages are NaN when any column is undefined unless
    /// <see cref="RankingBatchOptions.IgnoreUndefined"/>.</para>
    /// <para>The integer numerators are identical on every backend; AP may differ in the last bits between backends
    /// (different summation order) but each backend is deterministic.</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="scores">The <c>N × K</c> scores in <paramref name="layout"/>.</param>
    /// <param name="samples">N ≥ 1.</param>
    /// <param name="columns">K ≥ 1.</param>
    /// <param name="layout">Row-major samples × columns, or column-major.</param>
    /// <param name="labels"><c>[N]</c> labels, 1 = positive, 0 = negative, shared by every column.</param>
    /// <param name="options">NaN policy and averaging; <see cref="RankingBatchOptions.Default"/> when null.</param>
    /// <returns>Per-column AUROC, AP, counts, numerators, status and the averages.</returns>
    /// <exception cref="ArgumentException">A length does not match the shape, or a NaN score under Error.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, a label is not 0/1, or an enum is undefined.</exception>
    public static RankingBatchResult AurocColumns(
        this UqContext context,
        ReadOnlySpan<float> scores,
        int samples,
        int columns,
        ScoreLayout layout,
        ReadOnlySpan<byte> labels,
        RankingBatchOptions? options = null) =>
        AurocColumnsCore(context, scores, samples, columns, layout, labels, options, RankingScoreType.Float32);

    /// <inheritdoc cref="AurocColumns(UqContext, ReadOnlySpan{float}, int, int, ScoreLayout, ReadOnlySpan{byte}, RankingBatchOptions?)"/>
    public static RankingBatchResult AurocColumns(
        this UqContext context,
        ReadOnlySpan<double> scores,
        int samples,
        int columns,
        ScoreLayout layout,
        ReadOnlySpan<byte> labels,
        RankingBatchOptions? options = null) =>
        AurocColumnsCore(context, scores, samples, columns, layout, labels, options, RankingScoreType.Float64);

    /// <summary>
    /// One-vs-rest exact AUROC and AP of class probabilities (uq_metrics.md §2.3 mode 2): class c ranks
    /// <c>s = P[:, c]</c> against the label <c>1[y = c]</c>, generated on the fly (no one-hot matrix). The per-class
    /// values equal <c>roc_auc_score(y, P, multi_class='ovr', average=None)</c>; <see cref="RankingBatchResult.MacroAuroc"/>
    /// and <see cref="RankingBatchResult.WeightedAuroc"/> (support = class count) equal <c>average='macro'/'weighted'</c>.
    /// </summary>
    /// <remarks>
    /// <para>Math, ties and NaN rules as in <see cref="AurocColumns(UqContext, ReadOnlySpan{float}, int, int, ScoreLayout, ReadOnlySpan{byte}, RankingBatchOptions?)"/>
    /// (a NaN probability affects its class only). Unlike sklearn, rows are not required to sum to 1 (any scores
    /// work, e.g. logits), and a class absent from <paramref name="labels"/> is not an error: that class is NaN with
    /// <see cref="RankingStatus.OneClass"/> (sklearn takes the classes from the sorted unique labels instead).</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="probabilities">Row-major <c>[N, C]</c> class scores.</param>
    /// <param name="samples">N ≥ 1.</param>
    /// <param name="classes">C ≥ 1.</param>
    /// <param name="labels"><c>[N]</c> class labels in <c>[0, C)</c>.</param>
    /// <param name="options">NaN policy and averaging; <see cref="RankingBatchOptions.Default"/> when null.</param>
    /// <returns>Per-class AUROC, AP, counts, numerators, status and the averages.</returns>
    /// <exception cref="ArgumentException">A length does not match the shape, or a NaN under Error (names probabilities).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, a label is outside [0, C), or an enum is undefined.</exception>
    public static RankingBatchResult AurocOneVsRest(
        this UqContext context,
        ReadOnlySpan<float> probabilities,
        int samples,
        int classes,
        ReadOnlySpan<int> labels,
        RankingBatchOptions? options = null) =>
        AurocOneVsRestCore(context, probabilities, samples, classes, labels, options, RankingScoreType.Float32);

    /// <inheritdoc cref="AurocOneVsRest(UqContext, ReadOnlySpan{float}, int, int, ReadOnlySpan{int}, RankingBatchOptions?)"/>
    public static RankingBatchResult AurocOneVsRest(
        this UqContext context,
        ReadOnlySpan<double> probabilities,
        int samples,
        int classes,
        ReadOnlySpan<int> labels,
        RankingBatchOptions? options = null) =>
        AurocOneVsRestCore(context, probabilities, samples, classes, labels, options, RankingScoreType.Float64);

    /// <summary>
    /// Exact AUROC and AP of CSR segments (uq_metrics.md §2.3 mode 3): segment s is
    /// <c>scores[offsets[s] .. offsets[s+1])</c> against the labels at the same positions (per corruption × severity,
    /// per dataset, per question group).
    /// </summary>
    /// <remarks>
    /// Math, ties and NaN rules as in <see cref="AurocColumns(UqContext, ReadOnlySpan{float}, int, int, ScoreLayout, ReadOnlySpan{byte}, RankingBatchOptions?)"/>.
    /// An empty segment (<c>offsets[s] = offsets[s+1]</c>, or all NaN under Omit) is NaN with
    /// <see cref="RankingStatus.Empty"/>. Elements outside <c>[offsets[0], offsets[S])</c> are not ranked.
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="scores">Concatenated scores.</param>
    /// <param name="labels">Concatenated 0/1 labels, one per score.</param>
    /// <param name="offsets"><c>[S + 1]</c> non-decreasing offsets within <c>[0, scores.Length]</c>, S ≥ 1.</param>
    /// <param name="options">NaN policy and averaging; <see cref="RankingBatchOptions.Default"/> when null.</param>
    /// <returns>Per-segment AUROC, AP, counts, numerators, status and the averages.</returns>
    /// <exception cref="ArgumentException">Lengths differ, offsets are too short or decreasing, or a NaN under Error.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An offset is out of range, a label is not 0/1, or an enum is undefined.</exception>
    public static RankingBatchResult AurocSegments(
        this UqContext context,
        ReadOnlySpan<float> scores,
        ReadOnlySpan<byte> labels,
        ReadOnlySpan<int> offsets,
        RankingBatchOptions? options = null) =>
        AurocSegmentsCore(context, scores, labels, offsets, options, RankingScoreType.Float32);

    /// <inheritdoc cref="AurocSegments(UqContext, ReadOnlySpan{float}, ReadOnlySpan{byte}, ReadOnlySpan{int}, RankingBatchOptions?)"/>
    public static RankingBatchResult AurocSegments(
        this UqContext context,
        ReadOnlySpan<double> scores,
        ReadOnlySpan<byte> labels,
        ReadOnlySpan<int> offsets,
        RankingBatchOptions? options = null) =>
        AurocSegmentsCore(context, scores, labels, offsets, options, RankingScoreType.Float64);

    /// <summary>
    /// <see cref="AurocSegments(UqContext, ReadOnlySpan{float}, ReadOnlySpan{byte}, ReadOnlySpan{int}, RankingBatchOptions?)"/>
    /// for binary16 scores, by the exact O(n + 2^16) histogram path (per-key positive/negative counts and one scan);
    /// the result equals the sorted path on the same values widened to f32, bit for bit.
    /// </summary>
    /// <inheritdoc cref="AurocSegments(UqContext, ReadOnlySpan{float}, ReadOnlySpan{byte}, ReadOnlySpan{int}, RankingBatchOptions?)"/>
    public static RankingBatchResult AurocSegments(
        this UqContext context,
        ReadOnlySpan<Half> scores,
        ReadOnlySpan<byte> labels,
        ReadOnlySpan<int> offsets,
        RankingBatchOptions? options = null) =>
        AurocSegmentsCore(context, scores, labels, offsets, options, RankingScoreType.Half);

    /// <summary>
    /// <see cref="AurocSegments(UqContext, ReadOnlySpan{float}, ReadOnlySpan{byte}, ReadOnlySpan{int}, RankingBatchOptions?)"/>
    /// for bfloat16 scores, by the exact O(n + 2^16) histogram path; equal to the sorted path on the widened values.
    /// </summary>
    /// <inheritdoc cref="AurocSegments(UqContext, ReadOnlySpan{float}, ReadOnlySpan{byte}, ReadOnlySpan{int}, RankingBatchOptions?)"/>
    public static RankingBatchResult AurocSegments(
        this UqContext context,
        ReadOnlySpan<BFloat16> scores,
        ReadOnlySpan<byte> labels,
        ReadOnlySpan<int> offsets,
        RankingBatchOptions? options = null) =>
        AurocSegmentsCore(context, scores, labels, offsets, options, RankingScoreType.BFloat16);

    private static unsafe RankingBatchResult AurocColumnsCore<TScore>(
        UqContext context,
        ReadOnlySpan<TScore> scores,
        int samples,
        int columns,
        ScoreLayout layout,
        ReadOnlySpan<byte> labels,
        RankingBatchOptions? options,
        RankingScoreType type)
        where TScore : unmanaged
    {
        ArgumentNullException.ThrowIfNull(context);
        options ??= RankingBatchOptions.Default;
        options.Validate();
        if (!Enum.IsDefined(layout))
        {
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "layout must be SampleMajor or ColumnMajor.");
        }

        RankingValidation.Dense(samples, columns, scores.Length, labels.Length, nameof(scores), nameof(columns));
        RankingValidation.BinaryLabels(labels, nameof(labels));
        fixed (TScore* s = scores)
        fixed (byte* y = labels)
        {
            var problem = new RankingProblem
            {
                Mode = RankingMode.Columns,
                ScoreType = type,
                SegmentCount = columns,
                Samples = samples,
                Layout = layout,
                Scores = s,
                Labels = y,
                NanPolicy = options.NanPolicy,
            };
            return RunRankingProblem(context, problem, options.IgnoreUndefined);
        }
    }

    private static unsafe RankingBatchResult AurocOneVsRestCore<TScore>(
        UqContext context,
        ReadOnlySpan<TScore> probabilities,
        int samples,
        int classes,
        ReadOnlySpan<int> labels,
        RankingBatchOptions? options,
        RankingScoreType type)
        where TScore : unmanaged
    {
        ArgumentNullException.ThrowIfNull(context);
        options ??= RankingBatchOptions.Default;
        options.Validate();
        RankingValidation.Dense(samples, classes, probabilities.Length, labels.Length, nameof(probabilities), nameof(classes));
        RankingValidation.ClassLabels(labels, classes, nameof(labels));
        fixed (TScore* s = probabilities)
        fixed (int* y = labels)
        {
            var problem = new RankingProblem
            {
                Mode = RankingMode.OneVsRest,
                ScoreType = type,
                SegmentCount = classes,
                Samples = samples,
                Layout = ScoreLayout.SampleMajor,
                Scores = s,
                ClassLabels = y,
                NanPolicy = options.NanPolicy,
            };
            return RunRankingProblem(context, problem, options.IgnoreUndefined);
        }
    }

    private static unsafe RankingBatchResult AurocSegmentsCore<TScore>(
        UqContext context,
        ReadOnlySpan<TScore> scores,
        ReadOnlySpan<byte> labels,
        ReadOnlySpan<int> offsets,
        RankingBatchOptions? options,
        RankingScoreType type)
        where TScore : unmanaged
    {
        ArgumentNullException.ThrowIfNull(context);
        options ??= RankingBatchOptions.Default;
        options.Validate();
        if (labels.Length != scores.Length)
        {
            throw new ArgumentException($"labels has {labels.Length} elements but scores has {scores.Length}.", nameof(labels));
        }

        RankingValidation.Offsets(offsets, scores.Length);
        RankingValidation.BinaryLabels(labels, nameof(labels));
        fixed (TScore* s = scores)
        fixed (byte* y = labels)
        fixed (int* o = offsets)
        {
            var problem = new RankingProblem
            {
                Mode = RankingMode.Segments,
                ScoreType = type,
                SegmentCount = offsets.Length - 1,
                Scores = s,
                Labels = y,
                Offsets = o,
                NanPolicy = options.NanPolicy,
            };
            return RunRankingProblem(context, problem, options.IgnoreUndefined);
        }
    }

    /// <summary>Runs a validated problem on the context's device (ILGPU) or the managed CPU path.</summary>
    private static RankingBatchResult RunRankingProblem(UqContext context, in RankingProblem problem, bool ignoreUndefined)
    {
        RankingBatchResult result = RankingFinish.Create(problem.SegmentCount, ignoreUndefined);
        if (context.Ilgpu is { } device && IlgpuRanking.Supports(problem))
        {
            IlgpuRanking.Run(device, problem, result);
        }
        else
        {
            CpuRanking.Run(problem, result);
        }

        return result;
    }
}
