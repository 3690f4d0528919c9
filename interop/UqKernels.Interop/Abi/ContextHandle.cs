using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary>
/// The opaque <c>uq_context*</c>: a <see cref="GCHandle"/> to a <see cref="UqContext"/>. A destroyed or forged
/// handle is undefined behaviour, as for any C handle; NULL is reported.
/// </summary>
internal static class ContextHandle
{
    public static nint Create(UqContext context) => GCHandle.ToIntPtr(GCHandle.Alloc(context));

    public static UqContext Get(nint handle)
    {
        if (handle == 0)
        {
            throw new ArgumentNullException(nameof(handle), "context is NULL; create one with uq_context_create.");
        }

        return GCHandle.FromIntPtr(handle).Target as UqContext
            ?? throw new ArgumentException("context does not refer to a live uq_context.", nameof(handle));
    }

    public static void Destroy(nint handle)
    {
        if (handle == 0)
        {
            return;
        }

        var gcHandle = GCHandle.FromIntPtr(handle);
        try
        {
            (gcHandle.Target as UqContext)?.Dispose();
        }
        finally
        {
            gcHandle.Free();
        }
    }
}
