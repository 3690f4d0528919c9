using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary>
/// <c>uqk eval vmf --kappa k.npy --dim D</c>: the von Mises–Fisher scalars of concentrations <c>κ [N]</c> on
/// <c>S^{D−1}</c> (log-normaliser, ΔL, logCe, mean resultant length A, 1 − A, A′, entropy, KL to uniform).
/// </summary>
internal sealed class VmfEval : EvalKernel
{
    public override string Name => "vmf";

    public override string Summary => "von Mises-Fisher log C, A, 1-A, A', entropy, KL to uniform of concentrations kappa [N] on S^(dim-1)";

    /// <summary>tests/data/eval/vmf: cases cut from the mpmath vectors of tests/data/vmf (tests/reference/make_vmf_eval_cases.py).</summary>
    public override string ReferenceFamily => "vmf";

    public override IReadOnlyList<EvalInput> Inputs { get; } =
    [
        new("kappa", "[N] f32 or f64 concentrations in [0, 1e6]"),
    ];

    public override IReadOnlyList<EvalOption> Options { get; } =
    [
        new("dim", "ambient dimension d in [2, 65536] (required)", "none"),
    ];

    public override IReadOnlyList<string> Outputs { get; } =
        ["log_c", "delta_l", "log_ce", "a", "one_minus_a", "a_prime", "entropy", "kl_uniform"];

    public override IReadOnlyDictionary<string, NpyArray> Run(UqContext context, EvalArguments arguments)
    {
        NpyArray kappa = RequireFloat(arguments.RequiredInput("kappa"), "kappa");
        int n = Dimensions(kappa, 1, "kappa")[0];
        int dim = arguments.Int("dim", 0);
        if (dim < 2)
        {
            throw new UsageException("--dim D (the ambient dimension, at least 2) is required.");
        }

        return kappa.DType == NpyDType.Float64
            ? ComputeOutputs<double>(n, o => context.VonMisesFisher(kappa.As<double>(), dim, Destinations(o)))
            : ComputeOutputs<float>(n, o => context.VonMisesFisher(kappa.As<float>(), dim, Destinations(o)));
    }

    private static VmfOutputs<T> Destinations<T>(T[][] o)
        where T : unmanaged => new()
    {
        LogNormalizer = o[0], LogNormalizerDelta = o[1], ScaledLogNormalizer = o[2], MeanResultantLength = o[3],
        OneMinusMeanResultantLength = o[4], MeanResultantLengthDerivative = o[5], Entropy = o[6], KlToUniform = o[7],
    };
}
