using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary><c>uqk eval spearman --x x.npy --y y.npy</c>: Spearman's ρ (midrank and stable ordinal ranks) and Pearson's r.</summary>
internal sealed class SpearmanEval : EvalKernel
{
    public override string Name => "spearman";

    public override string Summary => "Spearman rho (midranks as scipy, and stable ordinal ranks as untangle) and Pearson r of x [N], y [N]";

    /// <summary>tests/data/eval/spearman: cases cut from tests/data/ranking_selective (tests/reference/make_ranking_eval_cases.py).</summary>
    public override string ReferenceFamily => "spearman";

    public override bool ComputesInFloat64 => true;

    public override IReadOnlyList<EvalInput> Inputs { get; } =
    [
        new("x", "[N] f32 or f64"),
        new("y", "[N] f32 or f64 (same dtype as x)"),
    ];

    public override IReadOnlyList<EvalOption> Options { get; } = [RankingInputs.NanPolicyOption];

    public override IReadOnlyList<string> Outputs { get; } = ["spearman_midrank", "spearman_ordinal_stable", "pearson"];

    public override IReadOnlyDictionary<string, NpyArray> Run(UqContext context, EvalArguments arguments)
    {
        NpyArray x = RequireFloat(arguments.RequiredInput("x"), "x");
        NpyArray y = RequireFloat(arguments.RequiredInput("y"), "y");
        if (x.DType != y.DType)
        {
            throw new UsageException($"--x is {x.DType} but --y is {y.DType}; pass both as f32 or both as f64.");
        }

        NanPolicy policy = RankingInputs.NanPolicy(arguments);
        (CorrelationResult midrank, CorrelationResult ordinal, CorrelationResult pearson) = x.DType == NpyDType.Float64
            ? (context.Spearman(x.As<double>(), y.As<double>(), SpearmanRanks.Midrank, policy),
                context.Spearman(x.As<double>(), y.As<double>(), SpearmanRanks.OrdinalStable, policy),
                context.Pearson(x.As<double>(), y.As<double>(), policy))
            : (context.Spearman(x.As<float>(), y.As<float>(), SpearmanRanks.Midrank, policy),
                context.Spearman(x.As<float>(), y.As<float>(), SpearmanRanks.OrdinalStable, policy),
                context.Pearson(x.As<float>(), y.As<float>(), policy));
        return new Dictionary<string, NpyArray>
        {
            ["spearman_midrank"] = NpyArray.Create<double>([midrank.Coefficient], 1),
            ["spearman_ordinal_stable"] = NpyArray.Create<double>([ordinal.Coefficient], 1),
            ["pearson"] = NpyArray.Create<double>([pearson.Coefficient], 1),
        };
    }
}
