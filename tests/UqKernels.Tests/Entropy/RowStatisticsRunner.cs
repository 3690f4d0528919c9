namespace UqKernels.Tests.Entropy;

/// <summary>Every output of one row-statistics call, widened to f64 for comparison.</summary>
public sealed record RowStatisticsValues(
    double[] Lse,
    double[] Entropy,
    double[] Msp,
    double[] ProbabilityMargin,
    double[] LogitMargin,
    double[] Nll,
    double[] Brier,
    double[] Top1,
    double[] TopK,
    double[] LabelSmoothed,
    int[] ArgMax)
{
    /// <summary>The named output (reference-file names).</summary>
    public double[] this[string name] => name switch
    {
        "lse" => Lse,
        "entropy" => Entropy,
        "msp" => Msp,
        "prob_margin" => ProbabilityMargin,
        "logit_margin" => LogitMargin,
        "nll" => Nll,
        "brier" => Brier,
        "top1" => Top1,
        "topk" => TopK,
        "label_smoothed_ce" => LabelSmoothed,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown output."),
    };

    /// <summary>The float outputs' reference-file names.</summary>
    public static IReadOnlyList<string> FloatOutputNames { get; } =
        ["lse", "entropy", "msp", "prob_margin", "logit_margin", "nll", "brier", "top1", "topk", "label_smoothed_ce"];
}

/// <summary>Runs row statistics for every storage type with every output requested.</summary>
public static class RowStatisticsRunner
{
    public static RowStatisticsValues Run(
        UqContext context, float[] logits, MatrixShape shape, int[]? labels, RowStatisticsOptions? options = null)
    {
        float[][] o = Buffers<float>(shape.Rows, 10);
        int[] argMax = new int[shape.Rows];
        context.RowStatistics(logits, shape, labels, Outputs(o, argMax, labels is not null), options);
        return Widen(o, argMax, labels is not null);
    }

    public static RowStatisticsValues Run(
        UqContext context, double[] logits, MatrixShape shape, int[]? labels, RowStatisticsOptions? options = null)
    {
        double[][] o = Buffers<double>(shape.Rows, 10);
        int[] argMax = new int[shape.Rows];
        context.RowStatistics(logits, shape, labels, Outputs(o, argMax, labels is not null), options);
        return Widen(o, argMax, labels is not null);
    }

    public static RowStatisticsValues Run(
        UqContext context, Half[] logits, MatrixShape shape, int[]? labels, RowStatisticsOptions? options = null)
    {
        float[][] o = Buffers<float>(shape.Rows, 10);
        int[] argMax = new int[shape.Rows];
        context.RowStatistics(logits, shape, labels, Outputs(o, argMax, labels is not null), options);
        return Widen(o, argMax, labels is not null);
    }

    public static RowStatisticsValues Run(
        UqContext context, BFloat16[] logits, MatrixShape shape, int[]? labels, RowStatisticsOptions? options = null)
    {
        float[][] o = Buffers<float>(shape.Rows, 10);
        int[] argMax = new int[shape.Rows];
        context.RowStatistics(logits, shape, labels, Outputs(o, argMax, labels is not null), options);
        return Widen(o, argMax, labels is not null);
    }

    private static T[][] Buffers<T>(int rows, int count) =>
        Enumerable.Range(0, count).Select(_ => new T[rows]).ToArray();

    private static RowStatisticsOutputs<T> Outputs<T>(T[][] o, int[] argMax, bool withLabels)
        where T : unmanaged => new()
    {
        Lse = o[0], Entropy = o[1], Msp = o[2], ProbabilityMargin = o[3], LogitMargin = o[4],
        Nll = withLabels ? o[5] : default, Brier = withLabels ? o[6] : default,
        Top1Correct = withLabels ? o[7] : default, TopKCorrect = withLabels ? o[8] : default,
        LabelSmoothedCrossEntropy = withLabels ? o[9] : default, ArgMax = argMax,
    };

    private static RowStatisticsValues Widen<T>(T[][] o, int[] argMax, bool withLabels)
        where T : unmanaged
    {
        double[] W(int i) => o[i].Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        double[] L(int i) => withLabels ? W(i) : Enumerable.Repeat(double.NaN, o[i].Length).ToArray();
        return new RowStatisticsValues(W(0), W(1), W(2), W(3), W(4), L(5), L(6), L(7), L(8), L(9), argMax);
    }
}

/// <summary>A plain float64 oracle of the single-model outputs (max-shifted softmax), for sweeps and properties.</summary>
public static class RowStatisticsOracle
{
    public static (double Lse, double Entropy, double Msp, double Nll, double Brier, int ArgMax) Compute(
        ReadOnlySpan<double> row, int label)
    {
        double max = double.NegativeInfinity;
        int argMax = -1;
        for (int c = 0; c < row.Length; c++)
        {
            if (row[c] > max)
            {
                max = row[c];
                argMax = c;
            }
        }

        double s = 0;
        foreach (double x in row)
        {
            s += Math.Exp(x - max);
        }

        double lse = max + Math.Log(s);
        double entropy = 0, squares = 0;
        foreach (double x in row)
        {
            double p = Math.Exp(x - lse);
            entropy -= p > 0 ? p * (x - lse) : 0;
            squares += p * p;
        }

        double nll = label >= 0 ? lse - row[label] : double.NaN;
        double brier = label >= 0 ? 1 - (2 * Math.Exp(row[label] - lse)) + squares : double.NaN;
        return (lse, entropy, Math.Exp(max - lse), nll, brier, argMax);
    }
}
