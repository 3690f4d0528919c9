using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary>
/// <c>uqk eval aurc --uncertainty u.npy --correct c.npy</c>: the selective-prediction metrics (AURC, E-AURC, AULC,
/// rAULC, coverage at accuracy 0.95 / 0.99) of uncertainties <c>[N]</c> against correctness <c>[N]</c> in [0, 1].
/// </summary>
internal sealed class SelectivePredictionEval : EvalKernel
{
    public override string Name => "aurc";

    public override string Summary => "AURC, E-AURC, AULC, rAULC and coverage at accuracy 0.95/0.99 of uncertainty [N] vs correctness [N]";

    /// <summary>tests/data/eval/aurc: cases cut from tests/data/ranking_selective (tests/reference/make_ranking_eval_cases.py).</summary>
    public override string ReferenceFamily => "aurc";

    public override bool ComputesInFloat64 => true;

    public override IReadOnlyList<EvalInput> Inputs { get; } =
    [
        new("uncertainty", "[N] f32 or f64, accepted lowest first"),
        new("correct", "[N] correctness in [0, 1] (0/1 or soft; bool/int accepted)"),
    ];

    public override IReadOnlyList<EvalOption> Options { get; } =
    [
        new("tie-policy", "averaged (expectation over tie orders) or stable (index order)", "averaged"),
        new("start-index", "untangle's start index s0 of the parity coverage", "200"),
        new("targets", "comma-separated accuracy targets of the coverage outputs", "0.95,0.99"),
        RankingInputs.NanPolicyOption,
    ];

    public override IReadOnlyList<string> Outputs { get; } =
    [
        "aurc", "cumulative_abstinence_auc", "eaurc", "oracle_aurc", "aulc", "raulc", "error_rate",
        "coverage_parity", "coverage_corrected",
    ];

    public override IReadOnlyDictionary<string, NpyArray> Run(UqContext context, EvalArguments arguments)
    {
        NpyArray uncertainty = RequireFloat(arguments.RequiredInput("uncertainty"), "uncertainty");
        double[] correct = arguments.RequiredInput("correct").ToFloat64();
        var options = new SelectivePredictionOptions
        {
            TiePolicy = arguments.Text("tie-policy") switch
            {
                null or "averaged" => SelectiveTiePolicy.TieAveraged,
                "stable" => SelectiveTiePolicy.Stable,
                string other => throw new UsageException($"--tie-policy must be averaged or stable, not '{other}'."),
            },
            StartIndex = arguments.Int("start-index", 200),
            AccuracyTargets = Targets(arguments.Text("targets") ?? "0.95,0.99"),
            NanPolicy = RankingInputs.NanPolicy(arguments),
        };
        SelectivePredictionResult result = uncertainty.DType == NpyDType.Float64
            ? context.SelectivePrediction(uncertainty.As<double>(), correct, options)
            : context.SelectivePrediction(uncertainty.As<float>(), correct.Select(c => (float)c).ToArray(), options);
        return new Dictionary<string, NpyArray>
        {
            ["aurc"] = Scalar(result.Aurc),
            ["cumulative_abstinence_auc"] = Scalar(result.CumulativeAbstinenceAuc),
            ["eaurc"] = Scalar(result.Eaurc),
            ["oracle_aurc"] = Scalar(result.OracleAurc),
            ["aulc"] = Scalar(result.Aulc),
            ["raulc"] = Scalar(result.RelativeAulc),
            ["error_rate"] = Scalar(result.ErrorRate),
            ["coverage_parity"] = NpyArray.Create<double>(result.Coverage.Select(c => c.Parity).ToArray(), result.Coverage.Count),
            ["coverage_corrected"] = NpyArray.Create<double>(result.Coverage.Select(c => c.Corrected).ToArray(), result.Coverage.Count),
        };
    }

    private static double[] Targets(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v)
                ? v
                : throw new UsageException($"--targets must be comma-separated numbers, not '{text}'."))
            .ToArray();

    private static NpyArray Scalar(double value) => NpyArray.Create<double>([value], 1);
}
