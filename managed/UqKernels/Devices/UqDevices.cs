using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;

namespace UqKernels;

/// <summary>Discovers which backends this process can use, and why the others are missing.</summary>
public static class UqDevices
{
    /// <summary>
    /// Every backend with its devices: each found GPU, plus one unavailable entry (with the reason) for a backend
    /// that has none. <see cref="UqBackend.Cpu"/> is always available.
    /// </summary>
    public static IReadOnlyList<UqDeviceInfo> List()
    {
        var devices = new List<UqDeviceInfo> { Cpu };
        if (!RuntimeFeature.IsDynamicCodeSupported)
        {
            const string Reason = "ILGPU needs a JIT runtime (Reflection.Emit); this process is NativeAOT-compiled";
            devices.Add(new(UqBackend.IlgpuCpu, 0, "ILGPU CPU accelerator", false, Reason));
            devices.Add(new(UqBackend.Cuda, 0, "CUDA", false, Reason));
            devices.Add(new(UqBackend.OpenCL, 0, "OpenCL", false, Reason));
            return devices;
        }

        AddIlgpuDevices(devices);
        return devices;
    }

    /// <summary>Resolves <c>auto</c> (after the <c>UQK_DEVICE</c> override) to a concrete available device.</summary>
    public static (UqBackend Backend, int DeviceIndex) Resolve(UqBackend backend, int deviceIndex)
    {
        if (backend != UqBackend.Auto)
        {
            return (backend, deviceIndex);
        }

        string? overrideSelector = Environment.GetEnvironmentVariable(UqDeviceSelector.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(overrideSelector))
        {
            (UqBackend chosen, int index) = UqDeviceSelector.Parse(overrideSelector);
            if (chosen != UqBackend.Auto)
            {
                return (chosen, index);
            }
        }

        IReadOnlyList<UqDeviceInfo> devices = List();
        foreach (UqBackend preferred in new[] { UqBackend.Cuda, UqBackend.OpenCL })
        {
            UqDeviceInfo? found = devices.FirstOrDefault(d => d.Backend == preferred && d.IsAvailable);
            if (found is not null)
            {
                return (found.Backend, found.DeviceIndex);
            }
        }

        return (UqBackend.Cpu, 0);
    }

    private static void AddIlgpuDevices(List<UqDeviceInfo> devices)
    {
        using Context context = IlgpuContexts.CreateContext();
        devices.Add(new(UqBackend.IlgpuCpu, 0, "ILGPU CPU accelerator", true, string.Empty));
        AddGpus(devices, context, AcceleratorType.Cuda, UqBackend.Cuda, CudaMissingReason());
        AddGpus(devices, context, AcceleratorType.OpenCL, UqBackend.OpenCL, OpenClMissingReason());
    }

    private static void AddGpus(
        List<UqDeviceInfo> devices, Context context, AcceleratorType type, UqBackend backend, string missingReason)
    {
        int index = 0;
        foreach (Device device in context.Devices.Where(d => d.AcceleratorType == type))
        {
            devices.Add(new(backend, index++, device.Name, true, string.Empty));
        }

        if (index == 0)
        {
            devices.Add(new(backend, 0, backend.ToString(), false, missingReason));
        }
    }

    private static string CudaMissingReason() => NativeLibrary.TryLoad("libcuda.so.1", out IntPtr handle)
        ? FreeAnd(handle, "the CUDA driver (libcuda.so.1) loaded but reports no device")
        : "no CUDA driver: libcuda.so.1 is not installed (no NVIDIA GPU on this machine)";

    private static string OpenClMissingReason() => NativeLibrary.TryLoad("libOpenCL.so.1", out IntPtr handle)
        ? FreeAnd(handle, "an OpenCL runtime is installed but has no device that ILGPU accepts (ILGPU needs OpenCL C 2.0 "
            + "with the generic address space; PoCL 3.1 offers 1.2)")
        : "no OpenCL runtime: libOpenCL.so.1 is not installed";

    private static string FreeAnd(IntPtr handle, string reason)
    {
        NativeLibrary.Free(handle);
        return reason;
    }

    /// <summary>The managed SIMD backend, always available (found without touching ILGPU).</summary>
    public static UqDeviceInfo Cpu { get; } = new(UqBackend.Cpu, 0, CpuName(), true, string.Empty);

    private static string CpuName()
    {
        string width = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "512"
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "256"
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "128" : "scalar";
        return $"managed SIMD ({width}-bit), {Environment.ProcessorCount} threads";
    }
}
