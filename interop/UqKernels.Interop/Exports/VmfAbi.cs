using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_vmf_outputs</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VmfOutputsAbi
{
    public uint StructSize;
    public uint Reserved;
    public DLTensor* LogNormalizer;
    public DLTensor* LogNormalizerDelta;
    public DLTensor* ScaledLogNormalizer;
    public DLTensor* MeanResultantLength;
    public DLTensor* OneMinusMeanResultantLength;
    public DLTensor* MeanResultantLengthDerivative;
    public DLTensor* Entropy;
    public DLTensor* KlToUniform;
    public DLTensor* EntropyDerivative;
    public DLTensor* KlToUniformDerivative;

    /// <summary>The managed destinations (κ's type <typeparamref name="T"/>), each <c>[n]</c>.</summary>
    public readonly VmfOutputs<T> Resolve<T>(CallScope scope, long n)
        where T : unmanaged
    {
        ElementType t = ElementTypes.Of<T>();
        return new VmfOutputs<T>
        {
            LogNormalizer = scope.Output<T>(TensorView.Output(LogNormalizer, "outputs->log_normalizer", t, n)),
            LogNormalizerDelta = scope.Output<T>(TensorView.Output(LogNormalizerDelta, "outputs->log_normalizer_delta", t, n)),
            ScaledLogNormalizer = scope.Output<T>(TensorView.Output(ScaledLogNormalizer, "outputs->scaled_log_normalizer", t, n)),
            MeanResultantLength = scope.Output<T>(TensorView.Output(MeanResultantLength, "outputs->mean_resultant_length", t, n)),
            OneMinusMeanResultantLength = scope.Output<T>(
                TensorView.Output(OneMinusMeanResultantLength, "outputs->one_minus_mean_resultant_length", t, n)),
            MeanResultantLengthDerivative = scope.Output<T>(
                TensorView.Output(MeanResultantLengthDerivative, "outputs->mean_resultant_length_derivative", t, n)),
            Entropy = scope.Output<T>(TensorView.Output(Entropy, "outputs->entropy", t, n)),
            KlToUniform = scope.Output<T>(TensorView.Output(KlToUniform, "outputs->kl_to_uniform", t, n)),
            EntropyDerivative = scope.Output<T>(TensorView.Output(EntropyDerivative, "outputs->entropy_derivative", t, n)),
            KlToUniformDerivative = scope.Output<T>(TensorView.Output(KlToUniformDerivative, "outputs->kl_to_uniform_derivative", t, n)),
        };
    }
}
