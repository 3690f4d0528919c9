using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace UqKernels.Interop;

/// <summary>
/// The thread-local message behind <c>uq_last_error_message()</c>: UTF-8, NUL-terminated, in a pinned per-thread
/// buffer, so the pointer stays valid until the next <c>uq_</c> call on the same thread overwrites it.
/// </summary>
internal static unsafe class LastError
{
    /// <summary>Bytes per thread, including the terminating NUL; longer messages are cut at a character boundary.</summary>
    private const int Capacity = 2048;

    [ThreadStatic]
    private static byte[]? t_buffer;

    /// <summary>The current message (<c>""</c> when the last call succeeded or none failed yet).</summary>
    public static byte* Pointer => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Buffer));

    /// <summary>The current message as a string (tests).</summary>
    public static string Message => Marshal.PtrToStringUTF8((nint)Pointer) ?? string.Empty;

    private static byte[] Buffer => t_buffer ??= GC.AllocateArray<byte>(Capacity, pinned: true);

    /// <summary>Resets the message at the start of a call.</summary>
    public static void Clear() => Buffer[0] = 0;

    /// <summary>
    /// Records <paramref name="exception"/> and returns its status. Never throws: this is the catch block of every
    /// export, and an exception escaping an export would terminate the host process.
    /// </summary>
    public static int Set(Exception exception)
    {
        int status = Status.Internal;
        try
        {
            status = Status.FromException(exception);
            string text = status == Status.Internal
                ? $"internal error: {exception.GetType().FullName}: {exception.Message}"
                : exception.Message;
            Write(text);
        }
        catch (Exception)
        {
            // Formatting failed (out of memory while building the message): keep the status, leave the text empty.
            if (t_buffer is not null)
            {
                t_buffer[0] = 0;
            }
        }

        return status;
    }

    /// <summary>Stores <paramref name="text"/> (truncated to fit) and returns <paramref name="status"/>.</summary>
    public static int Set(int status, string text)
    {
        Write(text);
        return status;
    }

    private static void Write(string text)
    {
        Span<byte> destination = Buffer.AsSpan(0, Capacity - 1);
        Utf8.FromUtf16(text, destination, out _, out int written, replaceInvalidSequences: true, isFinalBlock: true);
        Buffer[written] = 0;
    }
}
