using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary><c>uqk eval entropy</c>: the single-model row statistics of logits <c>[B, C]</c>.</summary>
internal sealed class EntropyEval : EvalKernel
{
    public override string Name => "entropy";

    public override string Summary => "single-model lse, entropy, NLL, MSP, margins, Brier, top-1/top-k of logits [B,C]";

    public override string ReferenceFamily => "single";

    public override IReadOnlyList<EvalInput> Inputs { get; } =
    [
        new("logits", "[B,C] f32, f64, f16, or bf16 stored as uint16 bit patterns"),
        new("labels", "[B] int32/int64 labels (ignore index allowed); enables nll, brier, top1, topk, label_smoothed_ce", false),
    ];

    public override IReadOnlyList<EvalOption> Options { get; } =
    [
        new("temperature", "logits are divided by T > 0", "1"),
        new("ignore-index", "label value that excludes a sample", "-100"),
        new("top-k", "k of top-k correctness", "5"),
        new("label-smoothing", "epsilon in [0, 1) of label_smoothed_ce", "0"),
    ];

    public override IReadOnlyList<string> Outputs { get; } =
    [
        "lse", "entropy", "msp", "prob_margin", "logit_margin", "argmax", "nll", "brier", "top1", "topk",
        "label_smoothed_ce",
    ];

    public override IReadOnlyDictionary<string, NpyArray> Run(UqContext context, EvalArguments arguments)
    {
        NpyArray logits = arguments.RequiredInput("logits");
        int[] dims = Dimensions(logits, 2, "logits");
        int[]? labels = arguments.Input("labels")?.ToInt32("labels");
        var options = new RowStatisticsOptions
        {
            Temperature = arguments.Double("temperature", 1),
            IgnoreIndex = arguments.Int("ignore-index", -100),
            TopK = arguments.Int("top-k", 5),
            LabelSmoothing = arguments.Double("label-smoothing", 0),
        };
        var shape = new MatrixShape(dims[0], dims[1]);
        return logits.DType switch
        {
            NpyDType.Float64 => Compute<double>(shape, labels, (o, a) =>
                context.RowStatistics(logits.As<double>(), shape, labels, Destinations(o, a, labels is not null), options)),
            NpyDType.Float32 => Compute<float>(shape, labels, (o, a) =>
                context.RowStatistics(logits.As<float>(), shape, labels, Destinations(o, a, labels is not null), options)),
            NpyDType.Float16 => Compute<float>(shape, labels, (o, a) =>
                context.RowStatistics(logits.As<Half>(), shape, labels, Destinations(o, a, labels is not null), options)),
            NpyDType.UInt16 => Compute<float>(shape, labels, (o, a) =>
                context.RowStatistics(logits.Reinterpret<BFloat16>(), shape, labels, Destinations(o, a, labels is not null), options)),
            _ => throw new UsageException($"--logits must be f32, f64, f16 or bf16 (uint16 bits), not {logits.DType}."),
        };
    }

    private static Dictionary<string, NpyArray> Compute<T>(MatrixShape shape, int[]? labels, Action<T[][], int[]> run)
        where T : unmanaged
    {
        T[][] o = Enumerable.Range(0, 10).Select(_ => new T[shape.Rows]).ToArray();
        int[] argMax = new int[shape.Rows];
        run(o, argMax);
        var result = new Dictionary<string, NpyArray>
        {
            ["lse"] = NpyArray.Create<T>(o[0], shape.Rows),
            ["entropy"] = NpyArray.Create<T>(o[1], shape.Rows),
            ["msp"] = NpyArray.Create<T>(o[2], shape.Rows),
            ["prob_margin"] = NpyArray.Create<T>(o[3], shape.Rows),
            ["logit_margin"] = NpyArray.Create<T>(o[4], shape.Rows),
            ["argmax"] = NpyArray.Create<int>(argMax, shape.Rows),
        };
        if (labels is not null)
        {
            result["nll"] = NpyArray.Create<T>(o[5], shape.Rows);
            result["brier"] = NpyArray.Create<T>(o[6], shape.Rows);
            result["top1"] = NpyArray.Create<T>(o[7], shape.Rows);
            result["topk"] = NpyArray.Create<T>(o[8], shape.Rows);
            result["label_smoothed_ce"] = NpyArray.Create<T>(o[9], shape.Rows);
        }

        return result;
    }

    private static RowStatisticsOutputs<T> Destinations<T>(T[][] o, int[] argMax, bool withLabels)
        where T : unmanaged => new()
    {
        Lse = o[0], Entropy = o[1], Msp = o[2], ProbabilityMargin = o[3], LogitMargin = o[4], ArgMax = argMax,
        Nll = withLabels ? o[5] : default, Brier = withLabels ? o[6] : default,
        Top1Correct = withLabels ? o[7] : default, TopKCorrect = withLabels ? o[8] : default,
        LabelSmoothedCrossEntropy = withLabels ? o[9] : default,
    };
}
