using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary>
/// <c>uqk eval vmf-sample --mu mu.npy --kappa k.npy [--samples S] [--seed N] [--offset N] [--mode exact|reference-svae]</c>:
/// draws <c>x ~ vMF(μ_i, κ_i)</c>, S per element, from the counter-based stream (seed, offset), and writes
/// <c>samples [N, S, d]</c> and <c>w [N, S]</c> (cosines μ̂ᵀx).
/// </summary>
/// <remarks>
/// Validation (<see cref="ReferenceFamily"/>): the cases under tests/data/eval/vmf_sample hold samples drawn by an
/// independent float64 NumPy implementation of the same algorithm and counter layout
/// (tests/reference/make_vmf_sample_cases.py), so the generic element-wise comparison checks the whole stream (Philox,
/// Box–Muller, Gamma/Wood, composition) on every backend. Because rejection decisions are discrete, a rounding-level
/// difference at an acceptance boundary would change a sample completely; the cases are small (≤ 64 samples) and were
/// generated only when no decision lies within 1e−6 (relative) of its threshold. The statistical checks for large
/// draws (E[w] → A, Var(w) → A′, uniformity, the d = 3 CDF) are tests (tests/UqKernels.Tests/Vmf/VmfSamplerTests.cs).
/// </remarks>
internal sealed class VmfSampleEval : EvalKernel
{
    public override string Name => "vmf-sample";

    public override string Summary => "von Mises-Fisher samples x [N,S,d] and cosines w [N,S] for mu [N,d], kappa [N] (Philox seed/offset)";

    /// <summary>tests/data/eval/vmf_sample (tests/reference/make_vmf_sample_cases.py).</summary>
    public override string ReferenceFamily => "vmf_sample";

    public override IReadOnlyList<EvalInput> Inputs { get; } =
    [
        new("mu", "[N, d] f32 or f64 unit mean directions"),
        new("kappa", "[N] concentrations in [0, 1e6], same dtype as mu"),
    ];

    public override IReadOnlyList<EvalOption> Options { get; } =
    [
        new("samples", "samples per element S", "1"),
        new("seed", "64-bit seed (Philox key)", "0"),
        new("offset", "stream offset (< 2^44), e.g. the training step", "0"),
        new("mode", "exact | reference-svae (the research code's biased b for kappa >= 11)", "exact"),
    ];

    public override IReadOnlyList<string> Outputs { get; } = ["samples", "w"];

    public override IReadOnlyDictionary<string, NpyArray> Run(UqContext context, EvalArguments arguments)
    {
        NpyArray mu = RequireFloat(arguments.RequiredInput("mu"), "mu");
        NpyArray kappa = RequireFloat(arguments.RequiredInput("kappa"), "kappa");
        int[] shape = Dimensions(mu, 2, "mu");
        int n = Dimensions(kappa, 1, "kappa")[0];
        if (shape[0] != n)
        {
            throw new UsageException($"--mu has {shape[0]} rows but --kappa has {n} elements.");
        }

        if (mu.DType != kappa.DType)
        {
            throw new UsageException($"--mu ({mu.DType}) and --kappa ({kappa.DType}) must have the same dtype.");
        }

        int d = shape[1];
        var options = new VmfSampleOptions
        {
            Samples = arguments.Int("samples", 1),
            Seed = UnsignedOption(arguments, "seed"),
            Offset = UnsignedOption(arguments, "offset"),
            Mode = (arguments.Text("mode") ?? "exact") switch
            {
                "exact" => VmfSamplerMode.Exact,
                "reference-svae" or "reference_svae" => VmfSamplerMode.ReferenceSvae,
                string other => throw new UsageException($"--mode must be exact or reference-svae, not '{other}'."),
            },
        };
        if (options.Samples < 1)
        {
            throw new UsageException("--samples must be at least 1.");
        }

        int s = options.Samples;
        return mu.DType == NpyDType.Float64
            ? Draw<double>(n, s, d, (x, w) => context.VonMisesFisherSample(
                mu.As<double>(), kappa.As<double>(), d, options, new VmfSampleOutputs<double> { Samples = x, Cosines = w }))
            : Draw<float>(n, s, d, (x, w) => context.VonMisesFisherSample(
                mu.As<float>(), kappa.As<float>(), d, options, new VmfSampleOutputs<float> { Samples = x, Cosines = w }));
    }

    private static ulong UnsignedOption(EvalArguments arguments, string name)
    {
        string? text = arguments.Text(name);
        if (text is not null)
        {
            return ulong.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out ulong value)
                ? value
                : throw new UsageException($"--{name} must be a non-negative integer, not '{text}'.");
        }

        double number = arguments.Double(name, 0);
        return number >= 0 && number == Math.Floor(number) && number < 1.8e19
            ? (ulong)number
            : throw new UsageException($"--{name} must be a non-negative integer.");
    }

    private static Dictionary<string, NpyArray> Draw<T>(int n, int s, int d, Action<T[], T[]> run)
        where T : unmanaged
    {
        T[] x = new T[(long)n * s * d];
        T[] w = new T[n * s];
        run(x, w);
        return new Dictionary<string, NpyArray>
        {
            ["samples"] = NpyArray.Create<T>(x, n, s, d),
            ["w"] = NpyArray.Create<T>(w, n, s),
        };
    }
}
