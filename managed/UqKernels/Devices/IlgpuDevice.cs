using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace UqKernels;

/// <summary>
/// Everything an ILGPU-backed <see cref="UqContext"/> owns: the ILGPU context, one accelerator, one stream, the
/// compiled kernels (loaded once per accelerator) and the grow-only scratch buffers.
/// </summary>
internal sealed class IlgpuDevice : IDisposable
{
    private readonly Dictionary<System.Reflection.MethodInfo, Delegate> _kernels = [];
    private readonly Dictionary<int, MemoryBuffer1D<byte, Stride1D.Dense>> _scratch = [];

    private IlgpuDevice(Context context, Accelerator accelerator)
    {
        Context = context;
        Accelerator = accelerator;
        Stream = accelerator.CreateStream();
    }

    public Context Context { get; }

    public Accelerator Accelerator { get; }

    public AcceleratorStream Stream { get; }

    public static IlgpuDevice Create(UqBackend backend, int deviceIndex)
    {
        Context context = IlgpuContexts.CreateContext();
        try
        {
            Accelerator accelerator = backend switch
            {
                UqBackend.IlgpuCpu => context.CreateCPUAccelerator(0),
                UqBackend.Cuda => CreateGpu(context, AcceleratorType.Cuda, backend, deviceIndex),
                UqBackend.OpenCL => CreateGpu(context, AcceleratorType.OpenCL, backend, deviceIndex),
                _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "Not an ILGPU backend."),
            };
            return new IlgpuDevice(context, accelerator);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>The cached launcher of the kernel method <paramref name="kernel"/>, compiled once per accelerator.</summary>
    public TDelegate GetKernel<TDelegate>(Delegate kernel, Func<Accelerator, TDelegate> load)
        where TDelegate : Delegate
    {
        if (!_kernels.TryGetValue(kernel.Method, out Delegate? launcher))
        {
            launcher = load(Accelerator);
            _kernels.Add(kernel.Method, launcher);
        }

        return (TDelegate)launcher;
    }

    /// <summary>
    /// A scratch view of <paramref name="length"/> elements in slot <paramref name="slot"/>. Slots grow and are
    /// reused; a view is valid until the same slot is requested again.
    /// </summary>
    public ArrayView<T> Scratch<T>(int slot, long length)
        where T : unmanaged
    {
        long bytes = Math.Max(1, length) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (!_scratch.TryGetValue(slot, out MemoryBuffer1D<byte, Stride1D.Dense>? buffer) || buffer.Length < bytes)
        {
            buffer?.Dispose();
            buffer = Accelerator.Allocate1D<byte>(bytes);
            _scratch[slot] = buffer;
        }

        ArrayView<byte> raw = buffer.View;
        return raw.Cast<T>().SubView(0, length);
    }

    /// <summary>The power-of-two group size for a reduction over <paramref name="extent"/> elements, at most <paramref name="limit"/>.</summary>
    public int ReductionGroupSize(long extent, int limit)
    {
        int maximum = Math.Min(limit, Accelerator.MaxNumThreadsPerGroup);
        int size = Math.Max(1, Accelerator.WarpSize);
        while (size * 2 <= maximum && size < extent)
        {
            size *= 2;
        }

        return Math.Min(size, maximum);
    }

    public void Dispose()
    {
        foreach (MemoryBuffer1D<byte, Stride1D.Dense> buffer in _scratch.Values)
        {
            buffer.Dispose();
        }

        Stream.Dispose();
        Accelerator.Dispose();
        Context.Dispose();
    }

    private static Accelerator CreateGpu(Context context, AcceleratorType type, UqBackend backend, int deviceIndex)
    {
        Device[] devices = context.Devices.Where(d => d.AcceleratorType == type).ToArray();
        if (deviceIndex >= devices.Length)
        {
            UqDeviceInfo info = UqDevices.List().First(d => d.Backend == backend);
            string reason = devices.Length == 0 ? info.Reason : $"only {devices.Length} device(s) found";
            throw new UqDeviceUnavailableException(
                $"Device '{UqDeviceSelector.Format(backend, deviceIndex)}' is unavailable: {reason}.");
        }

        return devices[deviceIndex].CreateAccelerator(context);
    }
}
