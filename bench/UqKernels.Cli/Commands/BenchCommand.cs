using System.Diagnostics;
using System.Globalization;

namespace UqKernels.Cli.Commands;

/// <summary>What a bench kernel's amount counts, and so how its throughput is reported.</summary>
internal enum BenchUnit
{
    /// <summary>Bytes of input read; throughput in GB/s (streaming kernels).</summary>
    Bytes,

    /// <summary>Function evaluations; throughput in millions per second (special functions).</summary>
    Evaluations,

    /// <summary>Scores ranked; throughput in millions of scores per second (ranking metrics).</summary>
    Scores,
}

/// <summary>A kernel timed by <c>uqk bench</c>: inputs built once, then one call per run.</summary>
/// <param name="Name">The bench name.</param>
/// <param name="Prepare">Builds the inputs for the context and options; returns the timed call and the amount of work per call.</param>
/// <param name="Unit">What the amount counts.</param>
internal sealed record BenchKernel(
    string Name, Func<UqContext, CommandLine, (Action Run, long Amount, string Description)> Prepare, BenchUnit Unit = BenchUnit.Bytes);

/// <summary>
/// <c>uqk bench KERNEL [--device D] [--repeats N] [size options]</c>: times the kernel alone (inputs already in memory,
/// one warm-up call, median of N runs) and ends with one line <c>KERNEL SECONDS GBPS</c> (streaming kernels) or
/// <c>KERNEL SECONDS MEVALS_PER_S</c> (special functions such as <c>vmf</c>) or <c>KERNEL SECONDS MSCORES_PER_S</c>
/// (ranking metrics such as <c>auroc</c>).
/// </summary>
internal static class BenchCommand
{
    private static readonly BenchKernel[] Kernels =
    [
        new("entropy", EntropyBench.Prepare),
        new("ensemble", EnsembleBench.Prepare),
        new("token", TokenBench.Prepare),
        new("vmf", VmfBench.Prepare, BenchUnit.Evaluations),
        new("vmf-sample", VmfSampleBench.Prepare, BenchUnit.Evaluations),
        new("auroc", AurocBench.Prepare, BenchUnit.Scores),
        new("memory", MemoryBench.Prepare),
    ];

    public static IReadOnlyList<string> Names => Kernels.Select(k => k.Name).ToArray();

    public static int Run(CommandLine line)
    {
        if (line.Positionals.Count < 2)
        {
            throw new UsageException($"uqk bench needs a kernel: {string.Join(", ", Names)}.");
        }

        BenchKernel kernel = Kernels.FirstOrDefault(k => k.Name == line.Positionals[1])
            ?? throw new UsageException($"Unknown bench kernel '{line.Positionals[1]}'. Kernels: {string.Join(", ", Names)}.");
        using UqContext context = UqContext.Create(line.Value("device") ?? "auto");
        int repeats = line.Int("repeats", 7);
        if (repeats < 1)
        {
            throw new UsageException("--repeats must be at least 1.");
        }

        Console.Error.WriteLine($"[bench] preparing {kernel.Name} on {context}");
        (Action run, long amount, string description) = kernel.Prepare(context, line);
        line.RejectUnused();
        Console.Error.WriteLine($"[bench] {description}: warm-up");
        run();
        var seconds = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            Console.Error.WriteLine($"[bench] run {i + 1}/{repeats}: {seconds[i] * 1e3:0.00} ms");
        }

        Array.Sort(seconds);
        double median = seconds[repeats / 2];
        (double throughput, string unit) = kernel.Unit switch
        {
            BenchUnit.Bytes => (amount / median / 1e9, "GB/s of input"),
            BenchUnit.Evaluations => (amount / median / 1e6, "M evaluations/s"),
            _ => (amount / median / 1e6, "M scores/s"),
        };
        Console.WriteLine($"{description} on {context}: median {median * 1e3:0.000} ms over {repeats} runs "
            + $"(min {seconds[0] * 1e3:0.000} ms), {throughput:0.00} {unit}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kernel.Name} {median:0.000000} {throughput:0.000}"));
        return 0;
    }
}
