namespace UqKernels.Interop;

/// <summary>The <c>uq_status</c> codes of uqkernels.h, and the mapping from exceptions to them.</summary>
internal static class Status
{
    /// <summary><c>UQ_OK</c>.</summary>
    public const int Ok = 0;

    /// <summary><c>UQ_ERR_INVALID_ARGUMENT</c>.</summary>
    public const int InvalidArgument = 1;

    /// <summary><c>UQ_ERR_UNSUPPORTED_DTYPE</c>.</summary>
    public const int UnsupportedDtype = 2;

    /// <summary><c>UQ_ERR_DEVICE_UNAVAILABLE</c>.</summary>
    public const int DeviceUnavailable = 3;

    /// <summary><c>UQ_ERR_RUNTIME_UNAVAILABLE</c> (set by the hosted shim only).</summary>
    public const int RuntimeUnavailable = 4;

    /// <summary><c>UQ_ERR_OUT_OF_MEMORY</c>.</summary>
    public const int OutOfMemory = 5;

    /// <summary><c>UQ_ERR_INTERNAL</c>.</summary>
    public const int Internal = 6;

    /// <summary>The status an exception maps to. Order matters: the dtype exception is an ArgumentException.</summary>
    public static int FromException(Exception exception) => exception switch
    {
        UnsupportedDtypeException => UnsupportedDtype,
        UqDeviceUnavailableException => DeviceUnavailable,
        ArgumentException or ObjectDisposedException => InvalidArgument,
        OutOfMemoryException or InsufficientMemoryException => OutOfMemory,
        _ => Internal,
    };

    /// <summary>The static NUL-terminated name of a status (<c>uq_status_string</c>).</summary>
    public static ReadOnlySpan<byte> Name(int status) => status switch
    {
        Ok => "UQ_OK\0"u8,
        InvalidArgument => "UQ_ERR_INVALID_ARGUMENT\0"u8,
        UnsupportedDtype => "UQ_ERR_UNSUPPORTED_DTYPE\0"u8,
        DeviceUnavailable => "UQ_ERR_DEVICE_UNAVAILABLE\0"u8,
        RuntimeUnavailable => "UQ_ERR_RUNTIME_UNAVAILABLE\0"u8,
        OutOfMemory => "UQ_ERR_OUT_OF_MEMORY\0"u8,
        Internal => "UQ_ERR_INTERNAL\0"u8,
        _ => "UQ_ERR_UNKNOWN\0"u8,
    };
}
