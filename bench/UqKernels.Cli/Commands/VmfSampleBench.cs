namespace UqKernels.Cli.Commands;

/// <summary>
/// The vMF sampler: 4,096 directions μ (uniformly random unit rows) with κ log-uniform in [1, 1e3], 16 samples each, at
/// d = 128 in f32 (a probabilistic-embedding batch); <c>--elements</c>, <c>--samples</c>, <c>--dim</c> and
/// <c>--dtype f32|f64</c> change it. The amount is the number of d-dimensional samples drawn.
/// </summary>
internal static class VmfSampleBench
{
    public static (Action Run, long Samples, string Description) Prepare(UqContext context, CommandLine line)
    {
        int elements = line.Int("elements", 4_096);
        int samples = line.Int("samples", 16);
        int dim = line.Int("dim", 128);
        string dtype = line.Value("dtype") ?? "f32";
        if (elements < 1 || samples < 1 || dim < 2)
        {
            throw new UsageException("--elements and --samples must be at least 1 and --dim at least 2.");
        }

        var random = new Random(20261126);
        double[] mu = new double[(long)elements * dim];
        for (int i = 0; i < elements; i++)
        {
            Span<double> row = mu.AsSpan(i * dim, dim);
            for (int j = 0; j < dim; j++)
            {
                // Box–Muller normals: a normalised Gaussian vector is uniform on the sphere.
                row[j] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            }

            double norm = Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares<double>(row));
            System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
        }

        double[] kappa = Enumerable.Range(0, elements).Select(_ => Math.Pow(10, 3 * random.NextDouble())).ToArray();
        var options = new VmfSampleOptions { Samples = samples, Seed = 7, Offset = 0 };
        long drawn = (long)elements * samples;
        string description = $"vmf-sample {elements} x {samples} samples d={dim} {dtype}";
        switch (dtype)
        {
            case "f64":
            {
                double[] x = new double[drawn * dim];
                return (() => context.VonMisesFisherSample(mu, kappa, dim, options, new VmfSampleOutputs<double> { Samples = x }),
                    drawn, description);
            }

            case "f32":
            {
                float[] narrowMu = mu.Select(v => (float)v).ToArray();
                float[] narrowKappa = kappa.Select(v => (float)v).ToArray();
                float[] x = new float[drawn * dim];
                return (() => context.VonMisesFisherSample(narrowMu, narrowKappa, dim, options, new VmfSampleOutputs<float> { Samples = x }),
                    drawn, description);
            }

            default:
                throw new UsageException($"--dtype must be f32 or f64, not '{dtype}'.");
        }
    }
}
