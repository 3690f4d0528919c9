using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_recall_at_one_outputs</c>: optional per-row arrays, each <c>[N]</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RecallAtOneOutputsAbi
{
    public uint StructSize;
    public uint Reserved;
    public DLTensor* Nearest;
    public DLTensor* Correct;
}

/// <summary><c>uq_recall_at_one_result</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RecallAtOneResultAbi
{
    public uint StructSize;
    public int RAurocStatus;
    public double RecallAtOne;
    public long Count;
    public long Correct;
    public double RAuroc;
    public double RAveragePrecision;
    public long RPositives;
    public long RNegatives;

    public static RecallAtOneResultAbi From(RecallAtOneResult r) => new()
    {
        RAurocStatus = r.RAurocDetails is { } d ? (int)d.Status : (int)RankingStatus.Empty,
        RecallAtOne = r.RecallAtOne,
        Count = r.Count,
        Correct = r.Correct,
        RAuroc = r.RAuroc,
        RAveragePrecision = r.RAurocDetails?.AveragePrecision ?? double.NaN,
        RPositives = r.RAurocDetails?.Positives ?? 0,
        RNegatives = r.RAurocDetails?.Negatives ?? 0,
    };
}
