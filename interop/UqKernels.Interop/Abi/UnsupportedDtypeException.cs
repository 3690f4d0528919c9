namespace UqKernels.Interop;

/// <summary>A tensor's DLPack dtype is not one the function accepts (<c>UQ_ERR_UNSUPPORTED_DTYPE</c>).</summary>
internal sealed class UnsupportedDtypeException : ArgumentException
{
    public UnsupportedDtypeException()
    {
    }

    public UnsupportedDtypeException(string message)
        : base(message)
    {
    }

    public UnsupportedDtypeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UnsupportedDtypeException(string message, string paramName)
        : base(message, paramName)
    {
    }
}
