using System.Runtime.CompilerServices;

namespace UqKernels;

/// <summary>
/// A device to run kernels on. It owns the accelerator, its stream, the compiled kernels (loaded once per
/// accelerator) and the scratch buffers. A context may be used by one thread at a time; create one per thread.
/// </summary>
public sealed class UqContext : IDisposable
{
    private readonly IlgpuDevice? _ilgpu;
    private bool _disposed;

    private UqContext(UqBackend backend, int deviceIndex, string deviceName, IlgpuDevice? ilgpu)
    {
        Backend = backend;
        DeviceIndex = deviceIndex;
        DeviceName = deviceName;
        _ilgpu = ilgpu;
    }

    /// <summary>The concrete backend (never <see cref="UqBackend.Auto"/>).</summary>
    public UqBackend Backend { get; }

    /// <summary>The device's index within its backend.</summary>
    public int DeviceIndex { get; }

    /// <summary>The device's name.</summary>
    public string DeviceName { get; }

    /// <summary>The selector that recreates this context (<c>cpu</c>, <c>cuda:0</c>, …).</summary>
    public string Selector => UqDeviceSelector.Format(Backend, DeviceIndex);

    /// <summary>The ILGPU device, or null on the managed SIMD backend.</summary>
    internal IlgpuDevice? Ilgpu
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _ilgpu;
        }
    }

    /// <summary>
    /// Creates a context. <see cref="UqBackend.Auto"/> honours the <c>UQK_DEVICE</c> environment variable, then
    /// picks CUDA, OpenCL, then the managed SIMD backend.
    /// </summary>
    /// <exception cref="UqDeviceUnavailableException">The backend or device cannot be used here; the message says why.</exception>
    public static UqContext Create(UqBackend backend = UqBackend.Auto, int deviceIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceIndex);
        (UqBackend resolved, int index) = UqDevices.Resolve(backend, deviceIndex);
        if (resolved == UqBackend.Cpu)
        {
            return new UqContext(UqBackend.Cpu, 0, UqDevices.Cpu.Name, null);
        }

        if (!RuntimeFeature.IsDynamicCodeSupported)
        {
            throw new UqDeviceUnavailableException(
                $"Device '{UqDeviceSelector.Format(resolved, index)}' is unavailable: ILGPU needs a JIT runtime and this "
                + "process is NativeAOT-compiled; use the 'cpu' backend.");
        }

        IlgpuDevice device = IlgpuDevice.Create(resolved, index);
        return new UqContext(resolved, index, device.Accelerator.Name, device);
    }

    /// <summary>Creates a context from a selector: <c>auto</c>, <c>cpu</c>, <c>ilgpu-cpu</c>, <c>cuda[:N]</c>, <c>opencl[:N]</c>.</summary>
    /// <exception cref="ArgumentException">The selector is malformed.</exception>
    /// <exception cref="UqDeviceUnavailableException">The device cannot be used here.</exception>
    public static UqContext Create(string selector)
    {
        (UqBackend backend, int index) = UqDeviceSelector.Parse(selector);
        return Create(backend, index);
    }

    /// <summary>Allocates an uninitialised device tensor of the given shape.</summary>
    public DeviceTensor<T> Allocate<T>(params int[] shape)
        where T : unmanaged => new(this, shape);

    /// <summary>Allocates a device tensor of the given shape and copies <paramref name="data"/> into it.</summary>
    public DeviceTensor<T> Upload<T>(ReadOnlySpan<T> data, params int[] shape)
        where T : unmanaged
    {
        var tensor = new DeviceTensor<T>(this, shape);
        tensor.CopyFrom(data);
        return tensor;
    }

    /// <summary>Waits for all work queued on this context's stream.</summary>
    public void Synchronize() => Ilgpu?.Stream.Synchronize();

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _ilgpu?.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Selector} ({DeviceName})";
}
