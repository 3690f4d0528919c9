namespace UqKernels;

/// <summary>Where a <see cref="UqContext"/> runs its kernels.</summary>
public enum UqBackend
{
    /// <summary>Pick the best available: CUDA, then OpenCL, then <see cref="Cpu"/>.</summary>
    Auto = 0,

    /// <summary>Managed SIMD (Vector128/256/512 through System.Numerics.Tensors), multi-threaded.</summary>
    Cpu = 1,

    /// <summary>ILGPU's CPU accelerator running the same kernel code as the GPU backends (slow; for validation).</summary>
    IlgpuCpu = 2,

    /// <summary>ILGPU on an NVIDIA GPU (PTX).</summary>
    Cuda = 3,

    /// <summary>ILGPU on an OpenCL 2.0 device with the generic address space.</summary>
    OpenCL = 4,
}

/// <summary>One backend as seen by device discovery: usable, or the reason it is not.</summary>
/// <param name="Backend">The backend.</param>
/// <param name="DeviceIndex">Index among that backend's devices.</param>
/// <param name="Name">The device's name, or the backend's when none was found.</param>
/// <param name="IsAvailable">True when a context can be created on it.</param>
/// <param name="Reason">Why it is unavailable (empty when available).</param>
public sealed record UqDeviceInfo(UqBackend Backend, int DeviceIndex, string Name, bool IsAvailable, string Reason)
{
    /// <summary>The selector string that picks this device (<c>cpu</c>, <c>ilgpu-cpu</c>, <c>cuda:0</c>, …).</summary>
    public string Selector => UqDeviceSelector.Format(Backend, DeviceIndex);
}
