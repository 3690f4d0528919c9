using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_ranking_result</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RankingResultAbi
{
    public uint StructSize;
    public int Status;
    public double Auroc;
    public double AveragePrecision;
    public long Positives;
    public long Negatives;
    public long NumeratorTwiceU;

    public static RankingResultAbi From(RankingResult r) => new()
    {
        Status = (int)r.Status,
        Auroc = r.Auroc,
        AveragePrecision = r.AveragePrecision,
        Positives = r.Positives,
        Negatives = r.Negatives,
        NumeratorTwiceU = r.NumeratorTwiceU,
    };
}
