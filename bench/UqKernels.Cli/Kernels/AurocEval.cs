using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary>
/// <c>uqk eval auroc --scores s.npy --labels y.npy</c>: exact AUROC and average precision of scores <c>[N]</c>, or of
/// every row of <c>[K, N]</c> against shared labels <c>[N]</c> (bool / uint8 / int, 0 or 1).
/// </summary>
internal sealed class AurocEval : EvalKernel
{
    public override string Name => "auroc";

    public override string Summary => "exact AUROC (sklearn roc_auc_score) and AP of scores [N] or [K, N] vs 0/1 labels [N]";

    /// <summary>tests/data/eval/auroc: cut from the sklearn vectors of tests/data/ranking (tests/reference/make_ranking_eval_cases.py).</summary>
    public override string ReferenceFamily => "auroc";

    public override bool ComputesInFloat64 => true;

    public override IReadOnlyList<EvalInput> Inputs { get; } =
    [
        new("scores", "[N] or [K, N] f32, f64 or f16 scores, higher = more positive"),
        new("labels", "[N] labels 0/1 (bool, uint8 or int)"),
    ];

    public override IReadOnlyList<EvalOption> Options { get; } = [RankingInputs.NanPolicyOption];

    public override IReadOnlyList<string> Outputs { get; } = ["auroc", "ap", "twice_u", "n_pos", "n_neg", "status"];

    public override IReadOnlyDictionary<string, NpyArray> Run(UqContext context, EvalArguments arguments)
    {
        NpyArray scores = arguments.RequiredInput("scores");
        byte[] labels = RankingInputs.BinaryLabels(arguments.RequiredInput("labels"), "labels");
        var options = new RankingBatchOptions { NanPolicy = RankingInputs.NanPolicy(arguments) };
        int[] shape = scores.Shape.Count == 1 ? [1, scores.Shape[0]] : Dimensions(scores, 2, "scores");
        (int columns, int samples) = (shape[0], shape[1]);
        RankingBatchResult result = scores.DType switch
        {
            NpyDType.Float64 => context.AurocColumns(scores.As<double>(), samples, columns, ScoreLayout.ColumnMajor, labels, options),
            NpyDType.Float32 => context.AurocColumns(scores.As<float>(), samples, columns, ScoreLayout.ColumnMajor, labels, options),
            NpyDType.Float16 when columns == 1 => context.AurocSegments(scores.As<Half>(), labels, [0, samples], options),
            _ => throw new UsageException($"--scores must be f32, f64 or a 1-D f16 array, not {scores.DType} of rank {scores.Shape.Count}."),
        };
        return RankingInputs.Outputs(result);
    }
}
