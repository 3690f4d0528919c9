using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace UqKernels.Interop;

/// <summary><c>uq_context_create</c>, <c>uq_context_destroy</c>, <c>uq_context_get_info</c>.</summary>
internal static unsafe class ContextExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_context_create")]
    public static int Create(ContextOptionsAbi* options, nint* context)
    {
        try
        {
            LastError.Clear();
            if (context == null)
            {
                throw new ArgumentNullException(nameof(context), "context (the uq_context** result) is NULL.");
            }

            *context = 0;
            ContextOptionsAbi o = AbiStruct.ReadOptions(options, ContextOptionsAbi.Default, nameof(options));
            if (o.Backend is < (int)UqBackend.Auto or > (int)UqBackend.OpenCL)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(options), $"options->backend is {o.Backend}; expected UQ_BACKEND_AUTO (0) … UQ_BACKEND_OPENCL (4).");
            }

            if (o.DeviceId < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"options->device_id is {o.DeviceId}; it must be >= 0.");
            }

            *context = ContextHandle.Create(UqContext.Create((UqBackend)o.Backend, o.DeviceId));
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_context_destroy")]
    public static int Destroy(nint context)
    {
        try
        {
            LastError.Clear();
            ContextHandle.Destroy(context);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_context_get_info")]
    public static int GetInfo(nint context, ContextInfoAbi* info)
    {
        try
        {
            LastError.Clear();
            UqContext uq = ContextHandle.Get(context);
            AbiStruct.CheckWritable(info, nameof(info));
            var value = new ContextInfoAbi { Backend = (int)uq.Backend, DeviceId = uq.DeviceIndex };
            Span<byte> name = value.DeviceName;
            Utf8.FromUtf16(uq.DeviceName, name[..^1], out _, out int written, replaceInvalidSequences: true, isFinalBlock: true);
            name[written] = 0;
            AbiStruct.Write(info, value, nameof(info));
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }
}
