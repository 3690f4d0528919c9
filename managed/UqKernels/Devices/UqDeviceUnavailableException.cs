namespace UqKernels;

/// <summary>Thrown when a context is requested on a backend or device that this process cannot use.</summary>
public sealed class UqDeviceUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public UqDeviceUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message that names the device and the reason.</summary>
    public UqDeviceUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    public UqDeviceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
