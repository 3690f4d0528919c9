using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_row_statistics_options</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RowStatisticsOptionsAbi
{
    public uint StructSize;
    public int IgnoreIndex;
    public double Temperature;
    public int TopK;
    public int Reserved;
    public double LabelSmoothing;

    public static RowStatisticsOptionsAbi Default => new() { IgnoreIndex = -100, Temperature = 1.0, TopK = 5 };

    public readonly RowStatisticsOptions ToManaged() => new()
    {
        IgnoreIndex = IgnoreIndex,
        Temperature = Temperature,
        TopK = TopK,
        LabelSmoothing = LabelSmoothing,
    };
}

/// <summary><c>uq_row_statistics_outputs</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RowStatisticsOutputsAbi
{
    public uint StructSize;
    public uint Reserved;
    public DLTensor* Lse;
    public DLTensor* Entropy;
    public DLTensor* Msp;
    public DLTensor* ProbabilityMargin;
    public DLTensor* LogitMargin;
    public DLTensor* Nll;
    public DLTensor* Brier;
    public DLTensor* Top1Correct;
    public DLTensor* TopKCorrect;
    public DLTensor* LabelSmoothedCrossEntropy;
    public DLTensor* ArgMax;

    /// <summary>The managed destinations (compute type <typeparamref name="T"/>), each <c>[rows]</c>.</summary>
    public readonly RowStatisticsOutputs<T> Resolve<T>(CallScope scope, long rows)
        where T : unmanaged
    {
        ElementType t = ElementTypes.Of<T>();
        return new RowStatisticsOutputs<T>
        {
            Lse = scope.Output<T>(TensorView.Output(Lse, "outputs->lse", t, rows)),
            Entropy = scope.Output<T>(TensorView.Output(Entropy, "outputs->entropy", t, rows)),
            Msp = scope.Output<T>(TensorView.Output(Msp, "outputs->msp", t, rows)),
            ProbabilityMargin = scope.Output<T>(TensorView.Output(ProbabilityMargin, "outputs->probability_margin", t, rows)),
            LogitMargin = scope.Output<T>(TensorView.Output(LogitMargin, "outputs->logit_margin", t, rows)),
            Nll = scope.Output<T>(TensorView.Output(Nll, "outputs->nll", t, rows)),
            Brier = scope.Output<T>(TensorView.Output(Brier, "outputs->brier", t, rows)),
            Top1Correct = scope.Output<T>(TensorView.Output(Top1Correct, "outputs->top1_correct", t, rows)),
            TopKCorrect = scope.Output<T>(TensorView.Output(TopKCorrect, "outputs->topk_correct", t, rows)),
            LabelSmoothedCrossEntropy = scope.Output<T>(
                TensorView.Output(LabelSmoothedCrossEntropy, "outputs->label_smoothed_cross_entropy", t, rows)),
            ArgMax = scope.Output<int>(TensorView.Output(ArgMax, "outputs->argmax", ElementType.I32, rows)),
        };
    }
}
