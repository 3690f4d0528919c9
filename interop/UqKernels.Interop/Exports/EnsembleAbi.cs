using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_ensemble_options</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct EnsembleOptionsAbi
{
    public uint StructSize;
    public int Layout;
    public int IgnoreIndex;
    public int Reserved;
    public double Temperature;

    public static EnsembleOptionsAbi Default => new() { Layout = (int)EnsembleLayout.SampleMajor, IgnoreIndex = -100, Temperature = 1.0 };

    public readonly EnsembleOptions ToManaged() => new() { IgnoreIndex = IgnoreIndex, Temperature = Temperature };
}

/// <summary><c>uq_ensemble_outputs</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct EnsembleOutputsAbi
{
    public uint StructSize;
    public uint Reserved;
    public DLTensor* Total;
    public DLTensor* Aleatoric;
    public DLTensor* EpistemicKl;
    public DLTensor* EpistemicDifference;
    public DLTensor* DualEntropy;
    public DLTensor* Bregman;
    public DLTensor* ExpectedMsp;
    public DLTensor* MspBma;
    public DLTensor* MspDual;
    public DLTensor* VarianceProbabilities;
    public DLTensor* VarianceLogits;
    public DLTensor* NllBma;
    public DLTensor* NllDual;
    public DLTensor* ArgMaxBma;

    /// <summary>The managed destinations (compute type <typeparamref name="T"/>), each <c>[batch]</c>.</summary>
    public readonly EnsembleOutputs<T> Resolve<T>(CallScope scope, long batch)
        where T : unmanaged
    {
        ElementType t = ElementTypes.Of<T>();
        return new EnsembleOutputs<T>
        {
            Total = scope.Output<T>(TensorView.Output(Total, "outputs->total", t, batch)),
            Aleatoric = scope.Output<T>(TensorView.Output(Aleatoric, "outputs->aleatoric", t, batch)),
            EpistemicKl = scope.Output<T>(TensorView.Output(EpistemicKl, "outputs->epistemic_kl", t, batch)),
            EpistemicDifference = scope.Output<T>(TensorView.Output(EpistemicDifference, "outputs->epistemic_difference", t, batch)),
            DualEntropy = scope.Output<T>(TensorView.Output(DualEntropy, "outputs->dual_entropy", t, batch)),
            Bregman = scope.Output<T>(TensorView.Output(Bregman, "outputs->bregman", t, batch)),
            ExpectedMsp = scope.Output<T>(TensorView.Output(ExpectedMsp, "outputs->expected_msp", t, batch)),
            MspBma = scope.Output<T>(TensorView.Output(MspBma, "outputs->msp_bma", t, batch)),
            MspDual = scope.Output<T>(TensorView.Output(MspDual, "outputs->msp_dual", t, batch)),
            VarianceProbabilities = scope.Output<T>(TensorView.Output(VarianceProbabilities, "outputs->variance_probabilities", t, batch)),
            VarianceLogits = scope.Output<T>(TensorView.Output(VarianceLogits, "outputs->variance_logits", t, batch)),
            NllBma = scope.Output<T>(TensorView.Output(NllBma, "outputs->nll_bma", t, batch)),
            NllDual = scope.Output<T>(TensorView.Output(NllDual, "outputs->nll_dual", t, batch)),
            ArgMaxBma = scope.Output<int>(TensorView.Output(ArgMaxBma, "outputs->argmax_bma", ElementType.I32, batch)),
        };
    }
}
