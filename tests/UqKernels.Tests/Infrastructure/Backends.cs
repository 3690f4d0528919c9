using System.Collections.Concurrent;

namespace UqKernels.Tests.Infrastructure;

/// <summary>
/// The backends every kernel test runs on: the managed SIMD backend, ILGPU's CPU accelerator (always, so the GPU
/// kernel code runs in CI), and every CUDA / OpenCL device found. One context per backend is shared by the run.
/// </summary>
public static class Backends
{
    private static readonly ConcurrentDictionary<string, UqContext> Contexts = new();

    /// <summary>Selectors of every backend available in this process.</summary>
    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (UqDeviceInfo device in UqDevices.List().Where(d => d.IsAvailable))
            {
                data.Add(device.Selector);
            }

            return data;
        }
    }

    /// <summary>The shared context of <paramref name="selector"/>; callers hold its lock while they use it.</summary>
    public static UqContext Get(string selector) => Contexts.GetOrAdd(selector, UqContext.Create);

    /// <summary>Runs <paramref name="action"/> with exclusive use of the backend's shared context.</summary>
    public static void With(string selector, Action<UqContext> action)
    {
        UqContext context = Get(selector);
        lock (context)
        {
            action(context);
        }
    }

    /// <summary>True for ILGPU's CPU accelerator, whose simulated groups make large inputs slow.</summary>
    public static bool IsSlow(string selector) => selector == "ilgpu-cpu";
}
