namespace UqKernels.Tests.Compilation;

/// <summary>
/// Every kernel compiles for CUDA (PTX) and OpenCL (C 2.0) with no device present, and clang-14 accepts the
/// generated OpenCL C (backends.md: ILGPU's backends compile without a device; clang-14 ships on this machine kind).
/// </summary>
public sealed class KernelCompilationTests : IDisposable
{
    private readonly KernelCompilation _compilation = new();

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
        string ptx = _compilation.CompilePtx(KernelCatalog.All.Single(e => e.Name == name));
        Assert.Contains(".entry", ptx, StringComparison.Ordinal);
        // ILGPU 1.5.3 caps the emitted target at sm_80 (the newest it knows) even when sm_90 is requested; sm_80 PTX
        // is JIT-compiled by the driver on Hopper, so this checks for a target, not that exact one.
        Assert.Contains(".target sm_", ptx, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void CompilesToOpenClC_ThatClangAccepts(string name)
    {
        string source = _compilation.CompileOpenCl(KernelCatalog.All.Single(e => e.Name == name));
        Assert.Contains("kernel void", source, StringComparison.Ordinal);
        (bool? accepted, string diagnostics) = KernelCompilation.CheckWithClang(source);
        if (accepted is null)
        {
            // A fresh machine of this kind ships clang-14 (backends.md) and .ci/run installs it when missing, so this
            // only happens on a developer machine without it; CI must not get here.
            Assert.False(
                string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "clang-14 is required in CI to check the generated OpenCL C");
            return;
        }

        Assert.True(accepted, $"clang rejected the OpenCL C of {name}:\n{diagnostics}");
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

    public void Dispose() => _compilation.Dispose();
}
