using UqKernels.Cli.Kernels;
using UqKernels.IO;
using UqKernels.Validation;

namespace UqKernels.Cli.Commands;

/// <summary>One line of the validation table.</summary>
/// <param name="Kernel">The eval kernel (or compile:KERNEL).</param>
/// <param name="Backend">The device selector (or ptx / opencl-c).</param>
/// <param name="DType">The input dtype.</param>
/// <param name="WorstRatio">The largest |error| / bound over every output element (≤ 1 passes).</param>
/// <param name="MaxError">The |error| at that element.</param>
/// <param name="Tolerance">The bound, as text.</param>
/// <param name="Pass">Whether every case passed.</param>
internal sealed record ValidationRow(
    string Kernel, string Backend, string DType, double WorstRatio, double MaxError, string Tolerance, bool Pass);

/// <summary>
/// <c>uqk validate [--device D] [--data DIR]</c>: every eval kernel on every available backend (or D) over every
/// checked-in float64 reference case, plus PTX / OpenCL compilation of every device kernel; exits 1 on any failure.
/// </summary>
internal static class ValidateCommand
{
    public static int Run(CommandLine line)
    {
        string? device = line.Value("device");
        string? data = line.Value("data");
        line.RejectUnused();
        if (data is not null)
        {
            ReferenceCase.DataRoot = data;
        }

        // Without --device: every available backend. With it: that one (auto resolves as UqContext.Create does).
        string[] backends = device is null
            ? UqDevices.List().Where(d => d.IsAvailable).OrderBy(d => PreferenceOrder(d.Backend)).Select(d => d.Selector).ToArray()
            : [device];
        var rows = new List<ValidationRow>();
        int step = 0;
        int steps = backends.Length * EvalKernels.All.Count;
        foreach (string selector in backends)
        {
            using UqContext context = UqContext.Create(selector);
            foreach (EvalKernel kernel in EvalKernels.All)
            {
                Console.Error.WriteLine($"[{++step}/{steps}] {kernel.Name} on {context.Selector}");
                rows.AddRange(ValidateKernel(context, kernel));
            }
        }

        if (RuntimeFeatureAllowsIlgpu())
        {
            Console.Error.WriteLine("[compile] every device kernel for PTX and OpenCL C");
            rows.AddRange(CompileKernels());
        }

        Print(rows);
        int failures = rows.Count(r => !r.Pass);
        Console.WriteLine(failures == 0
            ? $"validate: all {rows.Count} checks passed"
            : $"validate: {failures} of {rows.Count} checks FAILED");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Best device first: GPUs, then the managed SIMD backend, then ILGPU's (slow) CPU accelerator.</summary>
    private static int PreferenceOrder(UqBackend backend) => backend switch
    {
        UqBackend.Cuda => 0,
        UqBackend.OpenCL => 1,
        UqBackend.Cpu => 2,
        _ => 3,
    };

    private static IEnumerable<ValidationRow> ValidateKernel(UqContext context, EvalKernel kernel)
    {
        var worst = new Dictionary<string, (double Ratio, double Error, Tolerance Tolerance, bool Pass)>();
        foreach (ReferenceCase reference in ReferenceCase.Load(kernel.ReferenceFamily))
        {
            Tolerance tolerance = reference.DType == "f64" || kernel.ComputesInFloat64 ? Tolerance.F64 : Tolerance.F32;
            bool pass = true;
            double ratio = 0, error = 0;
            try
            {
                IReadOnlyDictionary<string, NpyArray> outputs = kernel.Run(context, new ReferenceArguments(reference));
                foreach ((string name, NpyArray actual) in outputs)
                {
                    if (!reference.Has(name))
                    {
                        continue;
                    }

                    double[] expected = reference.Expected(name);
                    double[] got = actual.ToFloat64();
                    (double caseRatio, int index) = tolerance.Worst(expected, got);
                    if (index >= 0 && caseRatio >= ratio)
                    {
                        ratio = caseRatio;
                        error = Math.Abs(got[index] - expected[index]);
                    }

                    bool exact = actual.DType is NpyDType.Int32 or NpyDType.Int64;
                    pass &= exact ? expected.SequenceEqual(got) : caseRatio <= 1;
                }
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or UsageException)
            {
                Console.Error.WriteLine($"  {reference.Name}: {exception.Message}");
                pass = false;
                ratio = double.PositiveInfinity;
            }

            if (!pass)
            {
                Console.Error.WriteLine($"  FAIL {reference.Name} on {context.Selector}");
            }

            (double Ratio, double Error, Tolerance Tolerance, bool Pass) previous =
                worst.GetValueOrDefault(reference.DType, (0, 0, tolerance, true));
            worst[reference.DType] = ratio >= previous.Ratio
                ? (ratio, error, tolerance, previous.Pass && pass)
                : previous with { Pass = previous.Pass && pass };
        }

        return worst.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => new ValidationRow(
            kernel.Name, context.Selector, w.Key, w.Value.Ratio, w.Value.Error,
            $"{w.Value.Tolerance.Absolute:0e0}+{w.Value.Tolerance.Relative:0e0}|ref|", w.Value.Pass));
    }

    private static bool RuntimeFeatureAllowsIlgpu() => System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported;

    private static List<ValidationRow> CompileKernels()
    {
        using var compilation = new KernelCompilation();
        var rows = new List<ValidationRow>();
        foreach (KernelEntry entry in KernelCatalog.All)
        {
            rows.Add(Compile(entry.Name, "ptx", () => compilation.CompilePtx(entry).Contains(".entry", StringComparison.Ordinal)));
            rows.Add(Compile(entry.Name, "opencl-c", () =>
                KernelCompilation.CheckWithClang(compilation.CompileOpenCl(entry)).Accepted != false));
        }

        return rows;
    }

    private static ValidationRow Compile(string name, string target, Func<bool> compile)
    {
        bool pass;
        try
        {
            pass = compile();
        }
        catch (Exception exception) when (exception is InvalidOperationException or NotSupportedException or AggregateException)
        {
            Console.Error.WriteLine($"  {name} for {target}: {exception.Message}");
            pass = false;
        }

        // Entries are "Kernel/dtype", or just "Kernel" for kernels with one instantiation (the ranking key sort).
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? new ValidationRow("compile:" + name, target, "-", 0, 0, "compiles", pass)
            : new ValidationRow("compile:" + name[..slash], target, name[(slash + 1)..], 0, 0, "compiles", pass);
    }

    private static void Print(IReadOnlyList<ValidationRow> rows)
    {
        // "err/bound" is the worst |actual − expected| / (abs + rel·|expected|) over all outputs; "|err|" is the
        // absolute error at that element (large for large outputs such as perplexity, yet within its bound).
        Console.WriteLine(
            $"{"kernel",-34} {"backend",-10} {"dtype",-6} {"err/bound",9} {"|err|",9} {"tolerance",-16} result");
        foreach (ValidationRow row in rows)
        {
            Console.WriteLine(
                $"{row.Kernel,-34} {row.Backend,-10} {row.DType,-6} {row.WorstRatio,9:0.000} {row.MaxError,9:0.0e+00} "
                + $"{row.Tolerance,-16} {(row.Pass ? "pass" : "FAIL")}");
        }
    }
}
