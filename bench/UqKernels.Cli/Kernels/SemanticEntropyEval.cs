using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary><c>uqk eval semantic-entropy</c>: semantic entropy of sampled answers grouped per question (CSR).</summary>
internal sealed class SemanticEntropyEval : EvalKernel
{
    public override string Name => "semantic-entropy";

    public override string Summary => "semantic entropy (Rao-Blackwellised, discrete, Kuhn-2023) and naive predictive entropy per question";

    public override string ReferenceFamily => "semantic";

    public override IReadOnlyList<EvalInput> Inputs { get; } =
    [
        new("offsets", "[Q+1] int32/int64 CSR offsets into the answers (start 0, end N)"),
        new("loglik", "[N] sequence log-likelihoods (f64 recommended)"),
        new("cluster_ids", "[N] int32/int64 semantic cluster ids (any integers; relabelled per question)"),
    ];

    public override IReadOnlyList<EvalOption> Options { get; } =
    [
        new("kuhn-shift", "nats added to every cluster log-likelihood of the Kuhn-2023 variant (their code: 5)", "0"),
    ];

    public override IReadOnlyList<string> Outputs { get; } = ["se_rao", "se_discrete", "se_kuhn", "naive_pe"];

    public override IReadOnlyDictionary<string, NpyArray> Run(UqContext context, EvalArguments arguments)
    {
        int[] offsets = arguments.RequiredInput("offsets").ToInt32("offsets");
        double[] logLikelihoods = arguments.RequiredInput("loglik").ToFloat64();
        int[] clusterIds = arguments.RequiredInput("cluster_ids").ToInt32("cluster_ids");
        int questions = Math.Max(0, offsets.Length - 1);
        double[] rao = new double[questions], discrete = new double[questions];
        double[] kuhn = new double[questions], naive = new double[questions];
        context.SemanticEntropy(
            offsets, logLikelihoods, clusterIds,
            new SemanticEntropyOutputs { Rao = rao, Discrete = discrete, Kuhn = kuhn, NaivePredictive = naive },
            new SemanticEntropyOptions { KuhnLogLikelihoodShift = arguments.Double("kuhn-shift", 0) });
        return new Dictionary<string, NpyArray>
        {
            ["se_rao"] = NpyArray.Create<double>(rao, questions),
            ["se_discrete"] = NpyArray.Create<double>(discrete, questions),
            ["se_kuhn"] = NpyArray.Create<double>(kuhn, questions),
            ["naive_pe"] = NpyArray.Create<double>(naive, questions),
        };
    }
}
