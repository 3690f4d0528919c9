using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary>
/// <c>uqk eval ovr --probabilities p.npy --labels y.npy</c>: one-vs-rest exact AUROC / AP per class of scores
/// <c>[N, C]</c> against class labels <c>[N]</c>, with the macro and support-weighted averages.
/// </summary>
internal sealed class OneVsRestEval : EvalKernel
{
    public override string Name => "ovr";

    public override string Summary => "one-vs-rest AUROC / AP per class of probabilities [N, C] vs class labels [N], macro and weighted";

    /// <summary>tests/data/eval/ranking_ovr: sklearn's roc_auc_score(multi_class='ovr') vectors (tests/reference/make_ranking_eval_cases.py).</summary>
    public override string ReferenceFamily => "ranking_ovr";

    public override bool ComputesInFloat64 => true;

    public override IReadOnlyList<EvalInput> Inputs { get; } =
    [
        new("probabilities", "[N, C] f32 or f64 class scores"),
        new("labels", "[N] class labels in [0, C) (int or uint8)"),
    ];

    public override IReadOnlyList<EvalOption> Options { get; } =
    [
        RankingInputs.NanPolicyOption,
        new("ignore-undefined", "1 = leave classes without positives or negatives out of the averages", "0"),
    ];

    public override IReadOnlyList<string> Outputs { get; } =
        ["auroc", "ap", "twice_u", "n_pos", "n_neg", "status", "macro_auroc", "weighted_auroc", "macro_ap", "weighted_ap"];

    public override IReadOnlyDictionary<string, NpyArray> Run(UqContext context, EvalArguments arguments)
    {
        NpyArray probabilities = RequireFloat(arguments.RequiredInput("probabilities"), "probabilities");
        int[] shape = Dimensions(probabilities, 2, "probabilities");
        int[] labels = arguments.RequiredInput("labels").ToInt32("labels");
        var options = new RankingBatchOptions
        {
            NanPolicy = RankingInputs.NanPolicy(arguments),
            IgnoreUndefined = arguments.Int("ignore-undefined", 0) != 0,
        };
        RankingBatchResult result = probabilities.DType == NpyDType.Float64
            ? context.AurocOneVsRest(probabilities.As<double>(), shape[0], shape[1], labels, options)
            : context.AurocOneVsRest(probabilities.As<float>(), shape[0], shape[1], labels, options);
        Dictionary<string, NpyArray> outputs = RankingInputs.Outputs(result);
        outputs["macro_auroc"] = NpyArray.Create<double>([result.MacroAuroc], 1);
        outputs["weighted_auroc"] = NpyArray.Create<double>([result.WeightedAuroc], 1);
        outputs["macro_ap"] = NpyArray.Create<double>([result.MacroAveragePrecision], 1);
        outputs["weighted_ap"] = NpyArray.Create<double>([result.WeightedAveragePrecision], 1);
        return outputs;
    }
}
