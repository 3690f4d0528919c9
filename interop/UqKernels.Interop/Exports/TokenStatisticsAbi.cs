using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_token_statistics_options</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TokenStatisticsOptionsAbi
{
    public uint StructSize;
    public int Shift;
    public int IgnoreIndex;
    public int Reserved;
    public double Temperature;

    public static TokenStatisticsOptionsAbi Default => new() { Shift = 1, IgnoreIndex = -100, Temperature = 1.0 };

    public readonly TokenStatisticsOptions ToManaged() =>
        new() { Shift = Shift, IgnoreIndex = IgnoreIndex, Temperature = Temperature };
}

/// <summary><c>uq_token_statistics_outputs</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct TokenStatisticsOutputsAbi
{
    public uint StructSize;
    public uint Reserved;
    public DLTensor* TokenNll;
    public DLTensor* TokenEntropy;
    public DLTensor* TokenMsp;
    public DLTensor* SequenceSumNll;
    public DLTensor* SequenceMeanNll;
    public DLTensor* SequencePerplexity;
    public DLTensor* SequenceCount;

    /// <summary>Token outputs <c>[B, scored]</c> (dense rows are the managed <c>[B·scored]</c>), sequence outputs <c>[B]</c>.</summary>
    public readonly TokenStatisticsOutputs<T> Resolve<T>(CallScope scope, long batch, long scored)
        where T : unmanaged
    {
        ElementType t = ElementTypes.Of<T>();
        return new TokenStatisticsOutputs<T>
        {
            TokenNll = scope.Output<T>(TensorView.Output(TokenNll, "outputs->token_nll", t, batch, scored)),
            TokenEntropy = scope.Output<T>(TensorView.Output(TokenEntropy, "outputs->token_entropy", t, batch, scored)),
            TokenMsp = scope.Output<T>(TensorView.Output(TokenMsp, "outputs->token_msp", t, batch, scored)),
            SequenceSumNll = scope.Output<T>(TensorView.Output(SequenceSumNll, "outputs->sequence_sum_nll", t, batch)),
            SequenceMeanNll = scope.Output<T>(TensorView.Output(SequenceMeanNll, "outputs->sequence_mean_nll", t, batch)),
            SequencePerplexity = scope.Output<T>(TensorView.Output(SequencePerplexity, "outputs->sequence_perplexity", t, batch)),
            SequenceCount = scope.Output<int>(TensorView.Output(SequenceCount, "outputs->sequence_count", ElementType.I32, batch)),
        };
    }
}
