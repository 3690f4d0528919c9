namespace UqKernels.Cli.Commands;

/// <summary>
/// Exact AUROC + AP by sorting, at the sizes. <c>--mode single</c> (default) ranks 10,000,000 f32 scores with
/// heavy ties (<c>--distinct</c> = 1,000 values on a grid in [0, 1)); <c>--mode columns</c> 1,000 such columns × 50,000
/// samples (column-major) with shared labels; <c>--mode ovr</c> one-vs-rest over 50,000 × 1,000 softmax probabilities.
/// <c>--count</c>, <c>--columns</c> and <c>--distinct</c> change the sizes. Labels are positive with probability rising
/// with the score, so AUROC is far from 0.5. The amount is the number of scores ranked.
/// </summary>
internal static class AurocBench
{
    public static (Action Run, long Scores, string Description) Prepare(UqContext context, CommandLine line)
    {
        string mode = line.Value("mode") ?? "single";
        int count = line.Int("count", mode == "single" ? 10_000_000 : 50_000);
        int columns = line.Int("columns", 1_000);
        int distinct = line.Int("distinct", 1_000);
        if (count < 2 || columns < 1 || distinct < 1)
        {
            throw new UsageException("--count must be at least 2, --columns and --distinct at least 1.");
        }

        return mode switch
        {
            "single" => Single(context, count, distinct),
            "columns" => Columns(context, count, columns, distinct),
            "ovr" => OneVsRest(context, count, columns),
            _ => throw new UsageException($"--mode must be single, columns or ovr, not '{mode}'."),
        };
    }

    private static (Action Run, long Scores, string Description) Columns(UqContext context, int samples, int columns, int distinct)
    {
        (float[] scores, byte[] labels) = TiedScores((long)samples * columns, distinct, seed: 20261124);
        byte[] shared = labels.AsSpan(0, samples).ToArray();
        return (() => context.AurocColumns(scores, samples, columns, ScoreLayout.ColumnMajor, shared),
            scores.LongLength, $"auroc {columns} columns x {samples} f32, {distinct} distinct values (AUROC + AP per column)");
    }

    private static (Action Run, long Scores, string Description) OneVsRest(UqContext context, int samples, int classes)
    {
        float[] logits = SyntheticLogits.Uniform((long)samples * classes, 6f);
        for (int row = 0; row < samples; row++)
        {
            Span<float> p = logits.AsSpan(row * classes, classes);
            System.Numerics.Tensors.TensorPrimitives.SoftMax(p, p);
        }

        var random = new Random(20261125);
        int[] labels = Enumerable.Range(0, samples).Select(_ => random.Next(classes)).ToArray();
        return (() => context.AurocOneVsRest(logits, samples, classes, labels),
            logits.LongLength, $"auroc one-vs-rest {samples} x {classes} classes f32 (AUROC + AP per class)");
    }

    private static (Action Run, long Scores, string Description) Single(UqContext context, int count, int distinct)
    {
        (float[] scores, byte[] labels) = TiedScores(count, distinct, seed: 20261123);
        return (() => context.Auroc(scores, labels), count, $"auroc {count} f32 scores, {distinct} distinct values (AUROC + AP)");
    }

    /// <summary>Scores on a grid of <paramref name="distinct"/> values, labels Bernoulli(0.2 + 0.6·score).</summary>
    private static (float[] Scores, byte[] Labels) TiedScores(long count, int distinct, int seed)
    {
        var random = new Random(seed);
        float[] scores = new float[count];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            float score = (float)random.Next(distinct) / distinct;
            scores[i] = score;
            labels[i] = random.NextDouble() < 0.2 + (0.6 * score) ? (byte)1 : (byte)0;
        }

        return (scores, labels);
    }
}
