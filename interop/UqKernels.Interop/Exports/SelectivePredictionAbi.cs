using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_selective_prediction_options</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SelectivePredictionOptionsAbi
{
    public uint StructSize;
    public int TiePolicy;
    public int NanPolicy;
    public int StartIndex;
    public DLTensor* AccuracyTargets;

    public static SelectivePredictionOptionsAbi Default => new() { StartIndex = 200 };
}

/// <summary><c>uq_selective_prediction_result</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SelectivePredictionResultAbi
{
    public uint StructSize;
    public int Status;
    public long Count;
    public double Accuracy;
    public double ErrorRate;
    public double Aurc;
    public double CumulativeAbstinenceAuc;
    public double Eaurc;
    public double OracleAurc;
    public double Aulc;
    public double RelativeAulc;

    public static SelectivePredictionResultAbi From(SelectivePredictionResult r) => new()
    {
        Status = (int)r.Status,
        Count = r.Count,
        Accuracy = r.Accuracy,
        ErrorRate = r.ErrorRate,
        Aurc = r.Aurc,
        CumulativeAbstinenceAuc = r.CumulativeAbstinenceAuc,
        Eaurc = r.Eaurc,
        OracleAurc = r.OracleAurc,
        Aulc = r.Aulc,
        RelativeAulc = r.RelativeAulc,
    };
}

/// <summary><c>uq_selective_coverage</c>: one element per accuracy target.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SelectiveCoverageAbi
{
    public uint StructSize;
    public uint Reserved;
    public DLTensor* Parity;
    public DLTensor* Corrected;
}
