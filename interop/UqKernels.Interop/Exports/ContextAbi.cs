using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_context_options</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ContextOptionsAbi
{
    public uint StructSize;
    public int Backend;
    public int DeviceId;

    public static ContextOptionsAbi Default => new() { Backend = (int)UqBackend.Auto };
}

/// <summary>128 bytes of UTF-8.</summary>
[InlineArray(128)]
internal struct DeviceNameBytes
{
    private byte _element;
}

/// <summary><c>uq_context_info</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ContextInfoAbi
{
    public uint StructSize;
    public int Backend;
    public int DeviceId;
    public int Reserved;
    public DeviceNameBytes DeviceName;
}
