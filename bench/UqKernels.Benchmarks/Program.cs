using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/UqKernels.Benchmarks -- --filter '*'` runs every benchmark;
// `--filter '*RowStatistics*'` one family. Results land in BenchmarkDotNet.Artifacts/.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>The benchmark entry point.</summary>
internal sealed partial class Program;
