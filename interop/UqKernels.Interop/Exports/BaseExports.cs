using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_get_version</c>, <c>uq_status_string</c>, <c>uq_last_error_message</c>.</summary>
internal static unsafe class BaseExports
{
    /// <summary>UQ_ABI_VERSION_MAJOR of uqkernels.h.</summary>
    public const uint AbiMajor = 1;

    /// <summary>UQ_ABI_VERSION_MINOR of uqkernels.h (bumped by every appended function).</summary>
    public const uint AbiMinor = 1;

    /// <summary>UQ_ABI_VERSION: <c>(major &lt;&lt; 16) | minor</c>.</summary>
    public const uint AbiVersion = (AbiMajor << 16) | AbiMinor;

    [UnmanagedCallersOnly(EntryPoint = "uq_get_version")]
    public static uint GetVersion()
    {
        try
        {
            return AbiVersion;
        }
        catch (Exception)
        {
            return 0;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_status_string")]
    public static byte* StatusString(int status)
    {
        try
        {
            // u8 literals live in the image's read-only data: the pointer is valid for the life of the process.
            return (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(Status.Name(status)));
        }
        catch (Exception)
        {
            return null;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_last_error_message")]
    public static byte* LastErrorMessage()
    {
        try
        {
            return LastError.Pointer;
        }
        catch (Exception)
        {
            return (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference("\0"u8));
        }
    }
}
