namespace UqKernels.Cli.Commands;

/// <summary>
/// The batched von Mises–Fisher scalars: 1,000,000 κ log-uniform in [1e−3, 1e4] at d = 512 in f64, log C and A
/// requested together (what a vMF loss needs per sample); <c>--count</c>, <c>--dim</c> and <c>--dtype f64|f32</c>
/// change it. The amount is the number of κ evaluated (log C and A count as one evaluation).
/// </summary>
internal static class VmfBench
{
    public static (Action Run, long Bytes, string Description) Prepare(UqContext context, CommandLine line)
    {
        int count = line.Int("count", 1_000_000);
        int dim = line.Int("dim", 512);
        string dtype = line.Value("dtype") ?? "f64";
        if (count < 1)
        {
            throw new UsageException("--count must be at least 1.");
        }

        if (dim < 2 || dim > UqOps.VonMisesFisherMaxDimension)
        {
            throw new UsageException($"--dim must be in [2, {UqOps.VonMisesFisherMaxDimension}], not {dim}.");
        }

        // log10 κ uniform in [−3, 4]: both branches of the scalar core (series and Debye) for every d.
        var random = new Random(20260517);
        double[] kappa = Enumerable.Range(0, count).Select(_ => Math.Pow(10, -3 + (7 * random.NextDouble()))).ToArray();
        string description = $"vmf {count} kappa d={dim} {dtype} (log C + A)";
        switch (dtype)
        {
            case "f64":
            {
                double[] logC = new double[count];
                double[] a = new double[count];
                return (() => context.VonMisesFisher(kappa, dim, new VmfOutputs<double> { LogNormalizer = logC, MeanResultantLength = a }),
                    kappa.LongLength, description);
            }

            case "f32":
            {
                float[] narrow = kappa.Select(k => (float)k).ToArray();
                float[] logC = new float[count];
                float[] a = new float[count];
                return (() => context.VonMisesFisher(narrow, dim, new VmfOutputs<float> { LogNormalizer = logC, MeanResultantLength = a }),
                    narrow.LongLength, description);
            }

            default:
                throw new UsageException($"--dtype must be f64 or f32, not '{dtype}'.");
        }
    }
}
