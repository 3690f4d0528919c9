using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_calibration_options</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CalibrationOptionsAbi
{
    public uint StructSize;
    public int Bins;
    public int Binning;

    public static CalibrationOptionsAbi Default => new() { Bins = 15, Binning = (int)CalibrationBinning.Untangle };
}

/// <summary><c>uq_calibration_result</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CalibrationResultAbi
{
    public uint StructSize;
    public int Bins;
    public double Ece;
    public double Mce;
    public double BinaryLogProb;
    public double BinaryBrier;
    public long Count;
}

/// <summary><c>uq_calibration_bins</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CalibrationBinsAbi
{
    public uint StructSize;
    public uint Reserved;
    public DLTensor* Counts;
    public DLTensor* Confidence;
    public DLTensor* Accuracy;
}
