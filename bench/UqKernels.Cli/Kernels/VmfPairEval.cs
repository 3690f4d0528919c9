using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary>
/// <c>uqk eval vmf-pair --kappa1 k1.npy --kappa2 k2.npy --one_minus_cos c.npy --dim D [--rho R]</c>: the von
/// Mises–Fisher pair quantities of <c>[N]</c> pairs on <c>S^{D−1}</c>: KL(vMF(μ₁, κ₁) ‖ vMF(μ₂, κ₂)) and its
/// κ-gradients, the log expected-likelihood kernel of order ρ, and the log-density of vMF(μ₁, κ₁) at a point x with
/// <c>1 − μ₁ᵀx = one_minus_cos</c> and its κ-derivative.
/// </summary>
internal sealed class VmfPairEval : EvalKernel
{
    public override string Name => "vmf-pair";

    public override string Summary =>
        "von Mises-Fisher KL(p1||p2) with d/dkappa1, d/dkappa2, log ELK of order rho, log-density and d/dkappa of pairs [N] on S^(dim-1)";

    /// <summary>tests/data/eval/vmf_pair: cases cut from the mpmath pair vectors of tests/data/vmf (tests/reference/make_vmf_pair_eval_cases.py).</summary>
    public override string ReferenceFamily => "vmf_pair";

    public override IReadOnlyList<EvalInput> Inputs { get; } =
    [
        new("kappa1", "[N] f32 or f64 concentrations of the first distributions, in [0, 1e6]"),
        new("kappa2", "[N] concentrations of the second distributions (same dtype), in [0, 1e6]"),
        new("one_minus_cos", "[N] 1 - mu1.mu2 in [0, 2] (same dtype; pass |mu1 - mu2|^2/2); also 1 - mu1.x for the log-density"),
    ];

    public override IReadOnlyList<EvalOption> Options { get; } =
    [
        new("dim", "ambient dimension d in [2, 65536] (required)", "none"),
        new("rho", "order of the expected-likelihood kernel, in (0, 1]", "1"),
    ];

    public override IReadOnlyList<string> Outputs { get; } =
        ["kl", "dkl_dkappa1", "dkl_dkappa2", "elk", "log_density", "dlog_density_dkappa"];

    public override IReadOnlyDictionary<string, NpyArray> Run(UqContext context, EvalArguments arguments)
    {
        NpyArray kappa1 = RequireFloat(arguments.RequiredInput("kappa1"), "kappa1");
        NpyArray kappa2 = RequireFloat(arguments.RequiredInput("kappa2"), "kappa2");
        NpyArray gaps = RequireFloat(arguments.RequiredInput("one_minus_cos"), "one_minus_cos");
        int n = Dimensions(kappa1, 1, "kappa1")[0];
        Dimensions(kappa2, 1, "kappa2");
        Dimensions(gaps, 1, "one_minus_cos");
        if (kappa2.DType != kappa1.DType || gaps.DType != kappa1.DType)
        {
            throw new UsageException($"--kappa2 and --one_minus_cos must have the dtype of --kappa1 ({kappa1.DType}).");
        }

        int dim = arguments.Int("dim", 0);
        if (dim < 2)
        {
            throw new UsageException("--dim D (the ambient dimension, at least 2) is required.");
        }

        double rho = arguments.Double("rho", 1.0);
        if (kappa1.DType == NpyDType.Float64)
        {
            double[] k1 = kappa1.As<double>();
            double[] k2 = kappa2.As<double>();
            double[] c = gaps.As<double>();
            return ComputeOutputs<double>(n, o =>
            {
                context.VonMisesFisherKlDivergence(k1, k2, c, dim, new VmfKlOutputs<double> { Divergence = o[0], DerivativeKappa1 = o[1], DerivativeKappa2 = o[2] });
                context.VonMisesFisherExpectedLikelihoodKernel(k1, k2, c, dim, rho, o[3]);
                context.VonMisesFisherLogDensity(k1, c, dim, new VmfLogDensityOutputs<double> { LogDensity = o[4], DerivativeKappa = o[5] });
            });
        }

        float[] f1 = kappa1.As<float>();
        float[] f2 = kappa2.As<float>();
        float[] fc = gaps.As<float>();
        return ComputeOutputs<float>(n, o =>
        {
            context.VonMisesFisherKlDivergence(f1, f2, fc, dim, new VmfKlOutputs<float> { Divergence = o[0], DerivativeKappa1 = o[1], DerivativeKappa2 = o[2] });
            context.VonMisesFisherExpectedLikelihoodKernel(f1, f2, fc, dim, (float)rho, o[3]);
            context.VonMisesFisherLogDensity(f1, fc, dim, new VmfLogDensityOutputs<float> { LogDensity = o[4], DerivativeKappa = o[5] });
        });
    }
}
