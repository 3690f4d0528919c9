using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary><c>uqk eval token</c>: per-token and per-sequence NLL / entropy / MSP of LLM logits <c>[B,T,V]</c>.</summary>
internal sealed class TokenEval : EvalKernel
{
    public override string Name => "token";

    public override string Summary => "token-level NLL, entropy, MSP and per-sequence sums / means / perplexity of [B,T,V]";

    public override string ReferenceFamily => "token";

    public override IReadOnlyList<EvalInput> Inputs { get; } =
    [
        new("logits", "[B,T,V] f32, f64, f16, or bf16 stored as uint16 bit patterns"),
        new("labels", "[B,T] int32/int64 token labels, -100 (or --ignore-index) = ignored"),
    ];

    public override IReadOnlyList<EvalOption> Options { get; } =
    [
        new("shift", "1: logits at t score label t+1 (HF causal LM); 0: same position", "1"),
        new("ignore-index", "label value that excludes a token", "-100"),
        new("temperature", "logits are divided by T > 0", "1"),
    ];

    public override IReadOnlyList<string> Outputs { get; } =
        ["token_nll", "token_entropy", "token_msp", "seq_sum_nll", "seq_count", "seq_mean_nll", "seq_perplexity"];

    public override IReadOnlyDictionary<string, NpyArray> Run(UqContext context, EvalArguments arguments)
    {
        NpyArray logits = arguments.RequiredInput("logits");
        int[] dims = Dimensions(logits, 3, "logits");
        int[] labels = arguments.RequiredInput("labels").ToInt32("labels");
        var options = new TokenStatisticsOptions
        {
            Shift = arguments.Int("shift", 1),
            IgnoreIndex = arguments.Int("ignore-index", -100),
            Temperature = arguments.Double("temperature", 1),
        };
        (int b, int t, int v) = (dims[0], dims[1], dims[2]);
        return logits.DType switch
        {
            NpyDType.Float64 => Compute<double>(b, t, options.Shift, o => context.TokenStatistics(logits.As<double>(), b, t, v, labels, o, options)),
            NpyDType.Float32 => Compute<float>(b, t, options.Shift, o => context.TokenStatistics(logits.As<float>(), b, t, v, labels, o, options)),
            NpyDType.Float16 => Compute<float>(b, t, options.Shift, o => context.TokenStatistics(logits.As<Half>(), b, t, v, labels, o, options)),
            NpyDType.UInt16 => Compute<float>(b, t, options.Shift, o => context.TokenStatistics(logits.Reinterpret<BFloat16>(), b, t, v, labels, o, options)),
            _ => throw new UsageException($"--logits must be f32, f64, f16 or bf16 (uint16 bits), not {logits.DType}."),
        };
    }

    private delegate void TokenCall<T>(TokenStatisticsOutputs<T> outputs)
        where T : unmanaged;

    private static Dictionary<string, NpyArray> Compute<T>(int batch, int time, int shift, TokenCall<T> call)
        where T : unmanaged
    {
        int scored = Math.Max(0, time - shift);
        T[] nll = new T[batch * scored], entropy = new T[batch * scored], msp = new T[batch * scored];
        T[] sum = new T[batch], mean = new T[batch], perplexity = new T[batch];
        int[] count = new int[batch];
        call(new TokenStatisticsOutputs<T>
        {
            TokenNll = nll, TokenEntropy = entropy, TokenMsp = msp, SequenceSumNll = sum, SequenceMeanNll = mean,
            SequencePerplexity = perplexity, SequenceCount = count,
        });
        return new Dictionary<string, NpyArray>
        {
            ["token_nll"] = NpyArray.Create<T>(nll, batch, scored),
            ["token_entropy"] = NpyArray.Create<T>(entropy, batch, scored),
            ["token_msp"] = NpyArray.Create<T>(msp, batch, scored),
            ["seq_sum_nll"] = NpyArray.Create<T>(sum, batch),
            ["seq_count"] = NpyArray.Create<int>(count, batch),
            ["seq_mean_nll"] = NpyArray.Create<T>(mean, batch),
            ["seq_perplexity"] = NpyArray.Create<T>(perplexity, batch),
        };
    }
}
