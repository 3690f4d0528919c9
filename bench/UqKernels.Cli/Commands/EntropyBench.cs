namespace UqKernels.Cli.Commands;

/// <summary>
/// The single-model pass at the spec's default size (ImageNet-1k validation: 50,000 × 1,000 f32), every output
/// requested; <c>--rows</c>, <c>--classes</c> and <c>--dtype f32|f64|f16|bf16</c> change it.
/// </summary>
internal static class EntropyBench
{
    public static (Action Run, long Bytes, string Description) Prepare(UqContext context, CommandLine line)
    {
        int rows = line.Int("rows", 50_000);
        int classes = line.Int("classes", 1_000);
        string dtype = line.Value("dtype") ?? "f32";
        var shape = new MatrixShape(rows, classes);
        var random = new Random(20261123);
        int[] labels = Enumerable.Range(0, rows).Select(_ => random.Next(classes)).ToArray();
        float[] values = SyntheticLogits.Uniform((long)rows * classes, 6f);

        string description = $"entropy {rows}x{classes} {dtype} (all outputs)";
        switch (dtype)
        {
            case "f32":
                return (Runner<float>(rows, (o, a) => context.RowStatistics(values, shape, labels, Outputs(o, a))),
                    values.LongLength * 4, description);
            case "f64":
                double[] wide = values.Select(v => (double)v).ToArray();
                return (Runner<double>(rows, (o, a) => context.RowStatistics(wide, shape, labels, Outputs(o, a))),
                    wide.LongLength * 8, description);
            case "f16":
                Half[] halves = values.Select(v => (Half)v).ToArray();
                return (Runner<float>(rows, (o, a) => context.RowStatistics(halves, shape, labels, Outputs(o, a))),
                    halves.LongLength * 2, description);
            case "bf16":
                BFloat16[] brains = values.Select(v => (BFloat16)v).ToArray();
                return (Runner<float>(rows, (o, a) => context.RowStatistics(brains, shape, labels, Outputs(o, a))),
                    brains.LongLength * 2, description);
            default:
                throw new UsageException($"--dtype must be f32, f64, f16 or bf16, not '{dtype}'.");
        }
    }

    private static Action Runner<T>(int rows, Action<T[][], int[]> call)
    {
        T[][] outputs = Enumerable.Range(0, 10).Select(_ => new T[rows]).ToArray();
        int[] argMax = new int[rows];
        return () => call(outputs, argMax);
    }

    private static RowStatisticsOutputs<T> Outputs<T>(T[][] o, int[] argMax)
        where T : unmanaged => new()
    {
        Lse = o[0], Entropy = o[1], Msp = o[2], ProbabilityMargin = o[3], LogitMargin = o[4], Nll = o[5],
        Brier = o[6], Top1Correct = o[7], TopKCorrect = o[8], LabelSmoothedCrossEntropy = o[9], ArgMax = argMax,
    };
}
