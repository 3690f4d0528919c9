using System.Diagnostics;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace UqKernels.Validation;

/// <summary>
/// Compiles catalogued kernels for CUDA (PTX) and OpenCL C with no device present (backends.md), and checks the
/// OpenCL C with clang when it is installed. Used by the tests and by <c>uqk validate</c>.
/// </summary>
public sealed class KernelCompilation : IDisposable
{
    private readonly Context _context = IlgpuContexts.CreateContext();
    private readonly PTXBackend _ptx;
    private readonly CLBackend _openCl;

    /// <summary>Creates PTX (sm_90 requested, ISA 8.0) and OpenCL C 2.0 backends.</summary>
    public KernelCompilation()
    {
        _ptx = new PTXBackend(
            _context, new CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90,
            CudaInstructionSet.ISA_80, null);
        _openCl = new CLBackend(
            _context, new CLCapabilityContext(true, true, true, true, true), CLDeviceVendor.Nvidia, new CLCVersion(2, 0));
    }

    /// <summary>The clang that checks OpenCL C here, or null when none is installed.</summary>
    public static string? Clang { get; } =
        new[] { "/usr/bin/clang-14", "/usr/bin/clang-15", "/usr/bin/clang" }.FirstOrDefault(File.Exists);

    /// <summary>The PTX assembly of <paramref name="entry"/>.</summary>
    public string CompilePtx(KernelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ((PTXCompiledKernel)_ptx.Compile(Describe(entry), default)).PTXAssembly;
    }

    /// <summary>The OpenCL C source of <paramref name="entry"/>.</summary>
    public string CompileOpenCl(KernelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ((CLCompiledKernel)_openCl.Compile(Describe(entry), default)).Source;
    }

    /// <summary>
    /// Runs <c>clang -x cl -cl-std=CL2.0 -fsyntax-only</c> on <paramref name="source"/>: (true, "") when accepted,
    /// (false, diagnostics) when rejected, (null, reason) when no clang is installed.
    /// </summary>
    public static (bool? Accepted, string Diagnostics) CheckWithClang(string source)
    {
        if (Clang is null)
        {
            return (null, "no clang-14/15 installed");
        }

        string path = Path.Combine(Path.GetTempPath(), $"uqk-{Guid.NewGuid():N}.cl");
        File.WriteAllText(path, source);
        try
        {
            using Process process = Process.Start(new ProcessStartInfo(Clang, $"-x cl -cl-std=CL2.0 -fsyntax-only {path}")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            string diagnostics = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode == 0, diagnostics);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _openCl.Dispose();
        _ptx.Dispose();
        _context.Dispose();
    }

    private static EntryPointDescription Describe(KernelEntry entry) => entry.ExplicitlyGrouped
        ? EntryPointDescription.FromExplicitlyGroupedKernel(entry.Method)
        : EntryPointDescription.FromImplicitlyGroupedKernel(entry.Method);
}
