namespace UqKernels;

/// <summary>Parses and formats device selectors: <c>auto</c>, <c>cpu</c>, <c>ilgpu-cpu</c>, <c>cuda[:N]</c>, <c>opencl[:N]</c>.</summary>
public static class UqDeviceSelector
{
    /// <summary>The environment variable that overrides <c>auto</c>.</summary>
    public const string EnvironmentVariable = "UQK_DEVICE";

    /// <summary>Parses a selector; throws <see cref="ArgumentException"/> naming the accepted forms when it is malformed.</summary>
    public static (UqBackend Backend, int DeviceIndex) Parse(string selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        string text = selector.Trim().ToLowerInvariant();
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string name = colon < 0 ? text : text[..colon];
        int index = 0;
        if (colon >= 0 && (!int.TryParse(text[(colon + 1)..], out index) || index < 0))
        {
            throw new ArgumentException(
                $"Device selector '{selector}' has an invalid device index after ':' (expected a non-negative integer).",
                nameof(selector));
        }

        UqBackend backend = name switch
        {
            "auto" => UqBackend.Auto,
            "cpu" => UqBackend.Cpu,
            "ilgpu-cpu" => UqBackend.IlgpuCpu,
            "cuda" => UqBackend.Cuda,
            "opencl" => UqBackend.OpenCL,
            _ => throw new ArgumentException(
                $"Unknown device '{selector}'. Expected one of: auto, cpu, ilgpu-cpu, cuda[:N], opencl[:N].",
                nameof(selector)),
        };
        return (backend, index);
    }

    /// <summary>The selector string of a backend and device index.</summary>
    public static string Format(UqBackend backend, int deviceIndex) => backend switch
    {
        UqBackend.Auto => "auto",
        UqBackend.Cpu => "cpu",
        UqBackend.IlgpuCpu => "ilgpu-cpu",
        UqBackend.Cuda => $"cuda:{deviceIndex}",
        UqBackend.OpenCL => $"opencl:{deviceIndex}",
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "Unknown backend."),
    };
}
