using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary>Blittable mirror of DLPack's <c>DLDevice</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DLDevice
{
    /// <summary><c>DLDeviceType</c>: 1 = kDLCPU, 2 = kDLCUDA, 3 = kDLCUDAHost, 4 = kDLOpenCL, 13 = kDLCUDAManaged, …</summary>
    public int DeviceType;

    public int DeviceId;

    public const int Cpu = 1;
    public const int Cuda = 2;
}

/// <summary>Blittable mirror of DLPack's <c>DLDataType</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DLDataType
{
    public byte Code;
    public byte Bits;
    public ushort Lanes;

    public const byte Int = 0;
    public const byte UInt = 1;
    public const byte Float = 2;
    public const byte Bfloat = 4;
    public const byte Bool = 6;
}

/// <summary>Blittable mirror of DLPack's <c>DLTensor</c> (48 bytes on 64-bit platforms).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct DLTensor
{
    public void* Data;
    public DLDevice Device;
    public int Ndim;
    public DLDataType DType;
    public long* Shape;
    public long* Strides;
    public ulong ByteOffset;
}
