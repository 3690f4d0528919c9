using System.Diagnostics;
using System.Globalization;

namespace UqKernels.Cli.Commands;

/// <summary>A kernel timed by <c>uqk bench</c>: inputs built once, then one call per run.</summary>
/// <param name="Name">The bench name.</param>
/// <param name="Prepare">Builds the inputs for the context and options; returns the timed call and the bytes it reads.</param>
internal sealed record BenchKernel(string Name, Func<UqContext, CommandLine, (Action Run, long Bytes, string Description)> Prepare);

/// <summary>
/// <c>uqk bench KERNEL [--device D] [--repeats N] [size options]</c>: times the kernel alone (inputs already in memory,
/// one warm-up call, median of N runs) and ends with one line <c>KERNEL SECONDS GBPS</c>.
/// </summary>
internal static class BenchCommand
{
    private static readonly BenchKernel[] Kernels =
    [
        new("entropy", EntropyBench.Prepare),
        new("ensemble", EnsembleBench.Prepare),
        new("token", TokenBench.Prepare),
        new("vmf", VmfBench.Prepare),
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
        (Action run, long bytes, string description) = kernel.Prepare(context, line);
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
        double gigabytesPerSecond = bytes / median / 1e9;
        Console.WriteLine($"{description} on {context}: median {median * 1e3:0.000} ms over {repeats} runs "
            + $"(min {seconds[0] * 1e3:0.000} ms), {gigabytesPerSecond:0.00} GB/s of input");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kernel.Name} {median:0.000000} {gigabytesPerSecond:0.000}"));
        return 0;
    }
}
