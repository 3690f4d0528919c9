using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_ranking_batch_outputs</c>: per-column arrays, each <c>[K]</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RankingBatchOutputsAbi
{
    public uint StructSize;
    public uint Reserved;
    public DLTensor* Auroc;
    public DLTensor* AveragePrecision;
    public DLTensor* Positives;
    public DLTensor* Negatives;
    public DLTensor* NumeratorTwiceU;
    public DLTensor* Status;
}

/// <summary><c>uq_ranking_averages</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RankingAveragesAbi
{
    public uint StructSize;
    public int Reserved;
    public double MacroAuroc;
    public double WeightedAuroc;
    public double MacroAveragePrecision;
    public double WeightedAveragePrecision;
}
