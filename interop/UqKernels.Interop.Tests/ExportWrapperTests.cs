using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace UqKernels.Interop.Tests;

/// <summary>
/// An exception escaping an [UnmanagedCallersOnly] export terminates the host process, so every export's whole body
/// must be one try with a catch of <see cref="Exception"/> (style_and_interop.md B.5, risk 3); and the hosted shim's
/// function table must list the header's functions in the header's order.
/// </summary>
public sealed partial class ExportWrapperTests
{
    private const byte Nop = 0x00;
    private const byte Ret = 0x2A;

    public static TheoryData<string> Exports()
    {
        var data = new TheoryData<string>();
        foreach (MethodInfo method in UnmanagedCallersOnlyMethods())
        {
            data.Add($"{method.DeclaringType!.Name}.{method.Name}");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public void EveryExportBodyIsOneCatchAllWrapper(string export)
    {
        MethodInfo method = UnmanagedCallersOnlyMethods().Single(m => $"{m.DeclaringType!.Name}.{m.Name}" == export);
        MethodBody body = method.GetMethodBody()!;
        byte[] il = body.GetILAsByteArray()!;
        ExceptionHandlingClause? wrapper = body.ExceptionHandlingClauses.SingleOrDefault(
            c => c.Flags == ExceptionHandlingClauseOptions.Clause && c.CatchType == typeof(Exception)
                && il.Take(c.TryOffset).All(b => b == Nop));
        Assert.True(wrapper is not null, $"{export}: the body does not start with try {{ … }} catch (Exception).");

        // After the handler only the shared return remains (ldloc + ret): nothing outside the try can throw.
        int end = wrapper!.HandlerOffset + wrapper.HandlerLength;
        Assert.True(il.Length - end <= 4 && il[^1] == Ret, $"{export}: {il.Length - end} IL bytes follow the catch.");
        Assert.All(
            body.ExceptionHandlingClauses.Where(c => c != wrapper),
            c => Assert.True(c.TryOffset >= wrapper.TryOffset && c.HandlerOffset + c.HandlerLength <= wrapper.HandlerOffset,
                $"{export}: a nested handler lies outside the wrapper's try."));
    }

    [Fact]
    public void ExportTableListsTheHeaderFunctionsInOrder()
    {
        string header = File.ReadAllText(HeaderPath());
        var expected = FixedFunction().Matches(header).Select(m => m.Groups[1].Value)
            .Concat(ListEntry().Matches(header[header.IndexOf("#define UQ_FUNCTIONS(X)", StringComparison.Ordinal)..])
                .Select(m => m.Groups[1].Value))
            .ToList();
        Assert.Equal(31, expected.Count);
        Assert.Equal(expected, ExportTable.Names);
    }

    [Fact]
    public void EveryNamedExportIsInTheTableExactlyOnce()
    {
        var entryPoints = UnmanagedCallersOnlyMethods()
            .Select(m => m.GetCustomAttribute<UnmanagedCallersOnlyAttribute>()!.EntryPoint)
            .Where(name => name is not null)
            .ToList();
        Assert.Equal(entryPoints.Count, entryPoints.Distinct().Count());
        Assert.Equal(ExportTable.Names.OrderBy(n => n, StringComparer.Ordinal), entryPoints.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public unsafe void BootstrapFillsTheTableAndRejectsAnotherMajorVersion()
    {
        delegate* unmanaged<uint, nint*, int, int> bootstrap = &ExportTable.Bootstrap;
        nint* table = stackalloc nint[64];
        Assert.Equal(ExportTable.Names.Count, bootstrap(BaseExports.AbiVersion, table, 64));
        for (int i = 0; i < ExportTable.Names.Count; i++)
        {
            Assert.NotEqual(0, table[i]);
        }

        Assert.Equal(-1, bootstrap(2u << 16, table, 64));
        var version = (delegate* unmanaged<uint>)table[0];
        Assert.Equal(BaseExports.AbiVersion, version());
    }

    private static IEnumerable<MethodInfo> UnmanagedCallersOnlyMethods() =>
        typeof(ExportTable).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Where(m => m.GetCustomAttribute<UnmanagedCallersOnlyAttribute>() is not null)
            .OrderBy(m => m.Name, StringComparer.Ordinal);

    private static string HeaderPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "include", "uqkernels.h");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("interop/include/uqkernels.h not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^UQ_API [\w *]+?(uq_\w+)\(", RegexOptions.Multiline)]
    private static partial Regex FixedFunction();

    [GeneratedRegex(@"^\s+X\((uq_\w+),", RegexOptions.Multiline)]
    private static partial Regex ListEntry();
}
