using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_semantic_entropy_options</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SemanticEntropyOptionsAbi
{
    public uint StructSize;
    public int Reserved;
    public double KuhnLogLikelihoodShift;

    public static SemanticEntropyOptionsAbi Default => default;
}

/// <summary><c>uq_semantic_entropy_outputs</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SemanticEntropyOutputsAbi
{
    public uint StructSize;
    public uint Reserved;
    public DLTensor* Rao;
    public DLTensor* Discrete;
    public DLTensor* Kuhn;
    public DLTensor* NaivePredictive;

    public readonly SemanticEntropyOutputs Resolve(CallScope scope, long questions) => new()
    {
        Rao = scope.Output<double>(TensorView.Output(Rao, "outputs->rao", ElementType.F64, questions)),
        Discrete = scope.Output<double>(TensorView.Output(Discrete, "outputs->discrete", ElementType.F64, questions)),
        Kuhn = scope.Output<double>(TensorView.Output(Kuhn, "outputs->kuhn", ElementType.F64, questions)),
        NaivePredictive = scope.Output<double>(TensorView.Output(NaivePredictive, "outputs->naive_predictive", ElementType.F64, questions)),
    };
}
