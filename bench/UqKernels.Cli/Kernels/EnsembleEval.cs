using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary><c>uqk eval ensemble</c>: the total / aleatoric / epistemic decomposition and the other ensemble outputs.</summary>
internal sealed class EnsembleEval : EvalKernel
{
    private static readonly string[] FloatOutputs =
    [
        "total", "aleatoric", "epistemic", "epistemic_diff", "dual_entropy", "bregman", "expected_msp", "msp_bma",
        "msp_dual", "var_probs", "var_logits", "nll_bma", "nll_dual",
    ];

    public override string Name => "ensemble";

    public override string Summary =>
        "ensemble / MC decomposition: total H(p̄), aleatoric E[H], epistemic MI (KL form) and the other §1.4 outputs";

    public override string ReferenceFamily => "ensemble";

    public override IReadOnlyList<EvalInput> Inputs { get; } =
    [
        new("logits", "[M,B,C] (member-major) or [B,M,C] with --layout sample-major; f32, f64, f16, or bf16 as uint16 bits"),
        new("labels", "[B] int32/int64 labels; enables nll_bma and nll_dual", false),
    ];

    public override IReadOnlyList<EvalOption> Options { get; } =
    [
        new("layout", "member-major ([M,B,C]) or sample-major ([B,M,C])", "member-major"),
        new("ignore-index", "label value that excludes a sample", "-100"),
        new("temperature", "logits are divided by T > 0", "1"),
    ];

    public override IReadOnlyList<string> Outputs { get; } = [.. FloatOutputs, "argmax_bma"];

    public override IReadOnlyDictionary<string, NpyArray> Run(UqContext context, EvalArguments arguments)
    {
        NpyArray logits = arguments.RequiredInput("logits");
        int[] dims = Dimensions(logits, 3, "logits");
        EnsembleLayout layout = arguments.Text("layout") switch
        {
            null or "member-major" => EnsembleLayout.MemberMajor,
            "sample-major" => EnsembleLayout.SampleMajor,
            string other => throw new UsageException($"--layout must be member-major or sample-major, not '{other}'."),
        };
        (int members, int batch) = layout == EnsembleLayout.MemberMajor ? (dims[0], dims[1]) : (dims[1], dims[0]);
        int classes = dims[2];
        int[]? labels = arguments.Input("labels")?.ToInt32("labels");
        var options = new EnsembleOptions
        {
            IgnoreIndex = arguments.Int("ignore-index", -100),
            Temperature = arguments.Double("temperature", 1),
        };
        return logits.DType switch
        {
            NpyDType.Float64 => Compute<double>(batch, labels is not null, o => context.EnsembleDecomposition(logits.As<double>(), members, batch, classes, layout, labels, o, options)),
            NpyDType.Float32 => Compute<float>(batch, labels is not null, o => context.EnsembleDecomposition(logits.As<float>(), members, batch, classes, layout, labels, o, options)),
            NpyDType.Float16 => Compute<float>(batch, labels is not null, o => context.EnsembleDecomposition(logits.As<Half>(), members, batch, classes, layout, labels, o, options)),
            NpyDType.UInt16 => Compute<float>(batch, labels is not null, o => context.EnsembleDecomposition(logits.Reinterpret<BFloat16>(), members, batch, classes, layout, labels, o, options)),
            _ => throw new UsageException($"--logits must be f32, f64, f16 or bf16 (uint16 bits), not {logits.DType}."),
        };
    }

    private delegate void EnsembleCall<T>(EnsembleOutputs<T> outputs)
        where T : unmanaged;

    private static Dictionary<string, NpyArray> Compute<T>(int batch, bool withLabels, EnsembleCall<T> call)
        where T : unmanaged
    {
        T[][] o = FloatOutputs.Select(_ => new T[batch]).ToArray();
        int[] argMax = new int[batch];
        call(new EnsembleOutputs<T>
        {
            Total = o[0], Aleatoric = o[1], EpistemicKl = o[2], EpistemicDifference = o[3], DualEntropy = o[4],
            Bregman = o[5], ExpectedMsp = o[6], MspBma = o[7], MspDual = o[8], VarianceProbabilities = o[9],
            VarianceLogits = o[10], NllBma = withLabels ? o[11] : default, NllDual = withLabels ? o[12] : default,
            ArgMaxBma = argMax,
        });
        var result = new Dictionary<string, NpyArray>();
        for (int i = 0; i < FloatOutputs.Length; i++)
        {
            if (withLabels || !FloatOutputs[i].StartsWith("nll", StringComparison.Ordinal))
            {
                result[FloatOutputs[i]] = NpyArray.Create<T>(o[i], batch);
            }
        }

        result["argmax_bma"] = NpyArray.Create<int>(argMax, batch);
        return result;
    }
}
