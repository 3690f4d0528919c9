using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_correlation_result</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CorrelationResultAbi
{
    public uint StructSize;
    public int Status;
    public double Coefficient;
    public long Count;

    public static CorrelationResultAbi From(CorrelationResult r) =>
        new() { Status = (int)r.Status, Coefficient = r.Coefficient, Count = r.Count };
}
