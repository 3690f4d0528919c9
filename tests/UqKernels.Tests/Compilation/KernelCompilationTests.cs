using System.Diagnostics;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace UqKernels.Tests.Compilation;

/// <summary>
/// Every kernel compiles for CUDA (PTX, sm_90) and OpenCL (C 2.0) with no device present, and clang-14 accepts the
/// generated OpenCL C (backends.md: ILGPU's backends compile without a device; clang-14 ships on this machine kind).
/// </summary>
public sealed class KernelCompilationTests : IDisposable
{
    private readonly Context _context = Context.Create(builder => builder.Default().EnableAlgorithms());

    public static TheoryData<string> Kernels
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (KernelEntry entry in KernelCatalog.All)
            {
                data.Add(entry.Name);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void CompilesToPtx(string name)
    {
        KernelEntry entry = KernelCatalog.All.Single(e => e.Name == name);
        using var backend = new PTXBackend(
            _context, new CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90,
            CudaInstructionSet.ISA_80, null);
        var kernel = (PTXCompiledKernel)backend.Compile(Describe(entry), default);
        Assert.Contains(".entry", kernel.PTXAssembly, StringComparison.Ordinal);
        // ILGPU 1.5.3 caps the emitted target at sm_80 (the newest it knows) even when sm_90 is requested; sm_80 PTX
        // is JIT-compiled by the driver on Hopper, so this checks for a target, not that exact one.
        Assert.Contains(".target sm_", kernel.PTXAssembly, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void CompilesToOpenClC_ThatClangAccepts(string name)
    {
        KernelEntry entry = KernelCatalog.All.Single(e => e.Name == name);
        using var backend = new CLBackend(
            _context, new CLCapabilityContext(true, true, true, true, true), CLDeviceVendor.Nvidia, new CLCVersion(2, 0));
        var kernel = (CLCompiledKernel)backend.Compile(Describe(entry), default);
        Assert.Contains("kernel void", kernel.Source, StringComparison.Ordinal);

        string? clang = FindClang();
        if (clang is null)
        {
            // A fresh machine of this kind ships clang-14 (backends.md) and .ci/run installs it when missing, so this
            // branch only runs on developer machines without it; the generated source was still produced and checked.
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "clang-14 is required in CI to check the generated OpenCL C");
            return;
        }

        string path = Path.Combine(Path.GetTempPath(), $"uqk-{Guid.NewGuid():N}.cl");
        File.WriteAllText(path, kernel.Source);
        try
        {
            using Process process = Process.Start(new ProcessStartInfo(clang, $"-x cl -cl-std=CL2.0 -fsyntax-only {path}")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"clang rejected the OpenCL C of {name}:\n{errors}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Catalog_ListsEveryKernelClass()
    {
        // Any public static class of UqKernels.Kernels whose name ends in "Kernel" is a device kernel and must be
        // in the catalog, so a new kernel cannot skip the PTX / OpenCL compilation checks.
        string[] kernelClasses = typeof(UqKernels.Kernels.Math.IReal<>).Assembly.GetExportedTypes()
            .Where(t => t.IsAbstract && t.IsSealed && t.Name.EndsWith("Kernel", StringComparison.Ordinal))
            .Select(t => t.FullName!)
            .ToArray();
        Assert.NotEmpty(kernelClasses);
        string[] cataloged = KernelCatalog.All.Select(e => e.Method.DeclaringType!.FullName!).Distinct().ToArray();
        Assert.Empty(kernelClasses.Except(cataloged));
    }

    public void Dispose() => _context.Dispose();

    private static EntryPointDescription Describe(KernelEntry entry) => entry.ExplicitlyGrouped
        ? EntryPointDescription.FromExplicitlyGroupedKernel(entry.Method)
        : EntryPointDescription.FromImplicitlyGroupedKernel(entry.Method);

    private static string? FindClang() =>
        new[] { "/usr/bin/clang-14", "/usr/bin/clang-15", "/usr/bin/clang" }.FirstOrDefault(File.Exists);
}
