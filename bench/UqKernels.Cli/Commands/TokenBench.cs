namespace UqKernels.Cli.Commands;

/// <summary>
/// Token-level statistics at the spec's LLM size: 2,048 token rows of a 128,000-entry vocabulary in bf16 (Llama-3
/// class), as 16 sequences × 128 positions with the causal shift; <c>--rows</c> (a multiple of 128) and
/// <c>--vocab</c> change it.
/// </summary>
internal static class TokenBench
{
    private const int Time = 128;

    public static (Action Run, long Bytes, string Description) Prepare(UqContext context, CommandLine line)
    {
        int rows = line.Int("rows", 2_048);
        int vocab = line.Int("vocab", 128_000);
        if (rows % Time != 0)
        {
            throw new UsageException($"--rows must be a multiple of {Time} (sequences × positions).");
        }

        int batch = rows / Time;
        BFloat16[] logits = SyntheticLogits.Uniform((long)rows * vocab, 6f).Select(v => (BFloat16)v).ToArray();
        var random = new Random(5);
        int[] labels = Enumerable.Range(0, rows).Select(_ => random.Next(vocab)).ToArray();
        int scored = batch * (Time - 1);
        float[] nll = new float[scored], entropy = new float[scored], msp = new float[scored];
        float[] sum = new float[batch], mean = new float[batch], perplexity = new float[batch];
        int[] count = new int[batch];
        void Run() => context.TokenStatistics(
            logits, batch, Time, vocab, labels,
            new TokenStatisticsOutputs<float>
            {
                TokenNll = nll, TokenEntropy = entropy, TokenMsp = msp, SequenceSumNll = sum, SequenceMeanNll = mean,
                SequencePerplexity = perplexity, SequenceCount = count,
            });
        return (Run, logits.LongLength * 2, $"token {rows}x{vocab} bf16 (NLL, entropy, MSP, per-sequence)");
    }
}
