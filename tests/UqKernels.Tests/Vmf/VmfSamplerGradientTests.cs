using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;
using UqKernels.Tests.Infrastructure;
using Xunit.Abstractions;

namespace UqKernels.Tests.Vmf;

/// <summary>
/// The sampler's backward pass (vmf_mcinfonce.md §4.5, §6 property 12): the implicit <c>dw/dκ</c> against the d = 3
/// closed form, its Monte-Carlo mean against <c>A′</c>, the documented bias of the pathwise mode, finite differences of
/// <c>E[f(x)]</c> with common random numbers for κ, exact finite differences for μ (frozen counters), and agreement
/// between backends.
/// </summary>
[Collection(BackendCollection.Name)]
public sealed class VmfSamplerGradientTests(ITestOutputHelper output)
{
    public static TheoryData<string> AllBackends => Backends.All;

    /// <summary>
    /// d = 3: the quadrature equals the inversion's exact derivative
    /// <c>dw/dκ = [2·expm1(−κ(1 + w))/expm1(−2κ) − (1 + w)]/κ = [(1 − w) − 2·expm1(κ(1 − w))/expm1(2κ)]/κ</c>
    /// to 1e−12 relative, on both tails (w above and below A) and with and without truncation.
    /// </summary>
    [Fact]
    public void Implicit_MatchesTheD3ClosedForm()
    {
        double worst = 0;
        foreach (double kappa in new[] { 0.5, 1, 3, 10, 100, 1e4 })
        {
            VmfScalars<double> scalars = VmfMath.Evaluate<double, Real64>(VmfMath.Order<double, Real64>(3), kappa);
            double oneMinusA = scalars.OneMinusMeanResultantLength; // not 1 − A: that would lose digits at large κ
            foreach (double u in new[] { 1e-9, 1e-4, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999999 })
            {
                // w at the u-quantile: 1 − w = −log(u + (1 − u)e^{−2κ})/κ.
                double oneMinusW = -Math.Log(u + ((1 - u) * Math.Exp(-2 * kappa))) / kappa;
                double onePlusW = 2 - oneMinusW;
                var cosine = new VmfCosineSample<double> { OneMinusW = oneMinusW, OnePlusW = onePlusW, W = 1 - oneMinusW };
                double actual = VmfSampler.CosineDerivativeImplicit<double, Real64>(kappa, 0.0, 3, oneMinusA, cosine);
                // Lower form [2·expm1(−κ(1 + w))/expm1(−2κ) − (1 + w)]/κ for w < 0, upper form
                // [(1 − w) − 2·expm1(κ(1 − w))/expm1(2κ)]/κ for w ≥ 0 (each free of cancellation on its side for κ ≥ 0.5).
                double expected = oneMinusW < 1
                    ? (oneMinusW - (2 * VmfSamplerTests.Expm1(kappa * oneMinusW) / VmfSamplerTests.Expm1(2 * kappa))) / kappa
                    : ((2 * VmfSamplerTests.Expm1(-kappa * onePlusW) / VmfSamplerTests.Expm1(-2 * kappa)) - onePlusW) / kappa;
                double error = Math.Abs(actual - expected) / Math.Abs(expected);
                worst = Math.Max(worst, error);
                Assert.True(error <= 1e-12, $"κ={kappa} u={u}: {actual:R} vs {expected:R} (rel {error:E2})");
            }
        }

        output.WriteLine($"d=3 implicit vs closed form: max rel error {worst:E2}");
    }

    /// <summary>
    /// The implicit derivative is <c>−∂_κF/f</c>: checked against a central difference in κ of the CDF computed by a
    /// fine independent quadrature, at d ∈ {2, 5, 64} and several quantiles (rel 1e−5: the difference quotient's and the
    /// trapezoid rule's error).
    /// </summary>
    [Fact]
    public void Implicit_EqualsMinusCdfKappaDerivativeOverDensity()
    {
        foreach ((int d, double kappa) in new[] { (2, 3.0), (5, 2.0), (64, 50.0), (10, 0.3) })
        {
            (double a, _) = VmfSamplerTests.Reference(d, kappa);
            foreach (double w in new[] { a - 0.3, a - 0.05, a, a + 0.02, Math.Min(a + 0.2, 0.97) })
            {
                if (w <= -0.99 || w >= 0.99)
                {
                    continue;
                }

                double h = 1e-4;
                double dF = (Cdf(d, kappa + h, w) - Cdf(d, kappa - h, w)) / (2 * h);
                double density = Density(d, kappa, w);
                double expected = -dF / density;
                var cosine = new VmfCosineSample<double> { OneMinusW = 1 - w, OnePlusW = 1 + w, W = w };
                double actual = VmfSampler.CosineDerivativeImplicit<double, Real64>(kappa, (d - 3) / 2.0, d, 1 - a, cosine);
                Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Abs(expected) + 1e-9, $"d={d} κ={kappa} w={w}: {actual:R} vs {expected:R}");
            }
        }
    }

    /// <summary>
    /// Monte-Carlo: with <c>L = Σ_s μ̂ᵀx_s</c> (upstream μ̂, so ∂L/∂w = 1) the κ-gradient per sample is dw/dκ; its mean is
    /// <c>A′</c> within 5 SE in Implicit mode, and reproduces the spec's documented bias of the pathwise mode
    /// (d = 5, κ = 2: 0.12767 vs 0.14739; d = 10, κ = 20: 0.008730 vs 0.009166).
    /// </summary>
    [Theory]
    [MemberData(nameof(AllBackends))]
    public void KappaGradient_MeanIsAPrime_AndPathwiseHasTheDocumentedBias(string backend) => Backends.With(backend, context =>
    {
        int samples = Backends.IsSlow(backend) ? 1_000 : 40_000;
        foreach ((int d, double kappa, double pathwiseMean) in new[] { (5, 2.0, 0.127670), (10, 20.0, 0.008730), (3, 1.5, double.NaN), (2, 4.0, double.NaN) })
        {
            (_, double aPrime) = VmfSamplerTests.Reference(d, kappa);
            double[] mu = VmfSamplerTests.RandomUnitRows(1, d, seed: 31);
            double[] upstream = new double[samples * d];
            for (int s = 0; s < samples; s++)
            {
                mu.CopyTo(upstream, s * d);
            }

            // Per-sample values for the SE: one element per sample via S = 1 would change the streams, so estimate the SE
            // from blocks: 20 elements with the same (μ, κ), S = samples/20 each.
            const int blocks = 20;
            int perBlock = samples / blocks;
            double[] muRows = Enumerable.Range(0, blocks).SelectMany(_ => mu).ToArray();
            double[] kappas = Enumerable.Repeat(kappa, blocks).ToArray();
            double[] blockUpstream = upstream.AsSpan(0, blocks * perBlock * d).ToArray();
            foreach (GradientMode mode in new[] { GradientMode.Implicit, GradientMode.Pathwise })
            {
                double[] dKappa = new double[blocks];
                context.VonMisesFisherSampleBackward(
                    muRows, kappas, d, new VmfSampleOptions { Samples = perBlock, Seed = 99 }, blockUpstream, mode,
                    new VmfSampleGradients<double> { Kappa = dKappa });
                double[] means = dKappa.Select(v => v / perBlock).ToArray();
                double mean = means.Average();
                double se = Math.Sqrt(means.Sum(v => (v - mean) * (v - mean)) / (blocks - 1) / blocks);
                output.WriteLine($"{backend} d={d} κ={kappa} {mode}: E[dw/dκ] = {mean:F6} ± {se:E2} (A′ = {aPrime:F6}, z = {(mean - aPrime) / se:F2})");
                if (mode == GradientMode.Implicit || d == 3)
                {
                    Assert.True(Math.Abs(mean - aPrime) <= 5 * se, $"d={d} κ={kappa} {mode}: {mean} vs A′ {aPrime} (SE {se})");
                }
                else if (!double.IsNaN(pathwiseMean) && !Backends.IsSlow(backend))
                {
                    Assert.True(Math.Abs(mean - pathwiseMean) <= (5 * se) + (2e-5 * 5), $"d={d} κ={kappa} pathwise: {mean} vs documented {pathwiseMean}");
                    Assert.True(Math.Abs(mean - aPrime) > 5 * se, "the pathwise mode should be biased here");
                }
            }
        }
    });

    /// <summary>
    /// Finite differences of <c>E[f(x)]</c> in κ with common random numbers (same seed at κ ± h): the per-sample
    /// difference quotients include the jumps of samples whose accepted proposal changes, so their mean converges to the
    /// true derivative; the test compares it with the Implicit gradient, paired per element, within 5 SE of the paired
    /// difference plus the central-difference bias (h²/6·|d³E/dκ³| ≤ 1e−4 here). f(x) = (aᵀx)² + bᵀx with random a, b.
    /// (The pathwise mode's bias is asserted by the A′ test above; with these sizes the FD noise, ~1/√(n·h) from the
    /// jumps, is too large to reject it reliably here.)
    /// </summary>
    [Fact]
    public void KappaGradient_MatchesFiniteDifferencesWithCommonRandomNumbers()
    {
        using UqContext context = UqContext.Create(UqBackend.Cpu);
        foreach ((int d, double kappa, double h) in new[] { (5, 2.0, 0.2), (16, 10.0, 0.5), (3, 1.0, 0.1) })
        {
            const int elements = 200;
            const int samples = 200;
            double[] mu = VmfSamplerTests.RandomUnitRows(1, d, seed: 41);
            double[] a = VmfSamplerTests.RandomUnitRows(1, d, seed: 42);
            double[] b = VmfSamplerTests.RandomUnitRows(1, d, seed: 43);
            double[] muRows = Enumerable.Range(0, elements).SelectMany(_ => mu).ToArray();
            var options = new VmfSampleOptions { Samples = samples, Seed = 7 };
            double[] plus = MeanF(context, muRows, kappa + h, d, options, elements, a, b, out _);
            double[] minus = MeanF(context, muRows, kappa - h, d, options, elements, a, b, out _);
            MeanF(context, muRows, kappa, d, options, elements, a, b, out double[] upstream);
            foreach (GradientMode mode in new[] { GradientMode.Implicit })
            {
                double[] dKappa = new double[elements];
                context.VonMisesFisherSampleBackward(
                    muRows, Enumerable.Repeat(kappa, elements).ToArray(), d, options, upstream, mode,
                    new VmfSampleGradients<double> { Kappa = dKappa });
                double[] difference = Enumerable.Range(0, elements)
                    .Select(i => ((plus[i] - minus[i]) / (2 * h)) - (dKappa[i] / samples)).ToArray();
                double mean = difference.Average();
                double se = Math.Sqrt(difference.Sum(v => (v - mean) * (v - mean)) / (elements - 1) / elements);
                double fd = Enumerable.Range(0, elements).Average(i => (plus[i] - minus[i]) / (2 * h));
                output.WriteLine($"d={d} κ={kappa} {mode}: FD {fd:F6}, gradient {fd - mean:F6}, difference {mean:E2} ± {se:E2}");
                Assert.True(Math.Abs(mean) <= (5 * se) + 1e-4, $"d={d} κ={kappa} {mode}: FD − gradient = {mean:E3} (SE {se:E2})");
            }
        }
    }

    /// <summary>
    /// μ: with frozen counters w does not depend on μ, so the loss is smooth in μ and a central difference along a tangent
    /// direction (μ(ε) = normalize(μ + εv)) equals <c>⟨∂L/∂μ, v⟩</c> to 1e−7 relative (h = 1e−5, f64; truncation h²).
    /// </summary>
    [Theory]
    [MemberData(nameof(AllBackends))]
    public void MuGradient_MatchesFiniteDifferences(string backend) => Backends.With(backend, context =>
    {
        foreach (int d in new[] { 2, 3, 7, 40 })
        {
            const int samples = 6;
            double[] kappa = [0.3, 8, 500];
            int n = kappa.Length;
            double[] mu = VmfSamplerTests.RandomUnitRows(n, d, seed: 50 + d);
            double[] r = VmfSamplerTests.RandomUnitRows(n * samples, d, seed: 60 + d);
            double[] v = VmfSamplerTests.RandomUnitRows(n, d, seed: 70 + d);
            var options = new VmfSampleOptions { Samples = samples, Seed = 3, Offset = 5 };
            double[] dMu = new double[n * d];
            context.VonMisesFisherSampleBackward(mu, kappa, d, options, r, GradientMode.Implicit, new VmfSampleGradients<double> { Mu = dMu });
            const double h = 1e-5;
            double[] lossPlus = Loss(context, Perturb(mu, v, d, h), kappa, d, options, r);
            double[] lossMinus = Loss(context, Perturb(mu, v, d, -h), kappa, d, options, r);
            for (int i = 0; i < n; i++)
            {
                double fd = (lossPlus[i] - lossMinus[i]) / (2 * h);
                double analytic = Enumerable.Range(0, d).Sum(j => dMu[(i * d) + j] * v[(i * d) + j]);
                double radial = Enumerable.Range(0, d).Sum(j => dMu[(i * d) + j] * mu[(i * d) + j]);
                Assert.True(Math.Abs(radial) <= 1e-13, $"∂L/∂μ must be tangent: μᵀ∂L/∂μ = {radial:E2}");
                Assert.True(Math.Abs(fd - analytic) <= 1e-7 * Math.Max(1, Math.Abs(fd)), $"{backend} d={d} κ={kappa[i]}: FD {fd:R} vs {analytic:R}");
            }
        }
    });

    /// <summary>The backward pass agrees between the CPU path and every backend (bit-identical on the CPU accelerator).</summary>
    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Backward_AgreesAcrossBackends(string backend)
    {
        const int d = 9;
        const int samples = 4;
        double[] kappa = [0, 1, 15, 2e3];
        double[] mu = VmfSamplerTests.RandomUnitRows(kappa.Length, d, seed: 1);
        double[] r = VmfSamplerTests.RandomUnitRows(kappa.Length * samples, d, seed: 2);
        var options = new VmfSampleOptions { Samples = samples, Seed = 8 };
        double[][] Run(UqContext context, GradientMode mode)
        {
            double[] dMu = new double[mu.Length], dKappa = new double[kappa.Length];
            context.VonMisesFisherSampleBackward(mu, kappa, d, options, r, mode, new VmfSampleGradients<double> { Mu = dMu, Kappa = dKappa });
            float[] dMu32 = new float[mu.Length], dKappa32 = new float[kappa.Length];
            context.VonMisesFisherSampleBackward(
                mu.Select(x => (float)x).ToArray(), kappa.Select(x => (float)x).ToArray(), d, options, r.Select(x => (float)x).ToArray(), mode,
                new VmfSampleGradients<float> { Mu = dMu32, Kappa = dKappa32 });
            return [dMu, dKappa, dMu32.Select(x => (double)x).ToArray(), dKappa32.Select(x => (double)x).ToArray()];
        }

        foreach (GradientMode mode in new[] { GradientMode.Implicit, GradientMode.Pathwise })
        {
            double[][] reference = null!, actual = null!;
            Backends.With("cpu", context => reference = Run(context, mode));
            Backends.With(backend, context => actual = Run(context, mode));
            for (int k = 0; k < reference.Length; k++)
            {
                if (backend is "cpu" or "ilgpu-cpu")
                {
                    Assert.Equal(reference[k], actual[k]);
                }
                else
                {
                    double bound = k < 2 ? 1e-10 : 1e-3;
                    Assert.All(reference[k].Zip(actual[k]), p => Assert.True(Math.Abs(p.First - p.Second) <= bound * Math.Max(1, Math.Abs(p.First))));
                }
            }

            // f32 against f64 (same counters, different rounding): a loose sanity bound.
            Assert.All(reference[1].Zip(reference[3]), p => Assert.True(Math.Abs(p.First - p.Second) <= 2e-3 * Math.Max(1, Math.Abs(p.First)), $"{mode}: f32 ∂L/∂κ {p.Second} vs f64 {p.First}"));
        }
    }

    private static double[] MeanF(
        UqContext context, double[] muRows, double kappa, int d, VmfSampleOptions options, int elements, double[] a, double[] b, out double[] upstream)
    {
        int samples = options.Samples;
        double[] x = new double[elements * samples * d];
        context.VonMisesFisherSample(muRows, Enumerable.Repeat(kappa, elements).ToArray(), d, options, new VmfSampleOutputs<double> { Samples = x });
        double[] mean = new double[elements];
        upstream = new double[x.Length];
        for (int k = 0; k < elements * samples; k++)
        {
            double ax = 0, bx = 0;
            for (int j = 0; j < d; j++)
            {
                ax += a[j] * x[(k * d) + j];
                bx += b[j] * x[(k * d) + j];
            }

            mean[k / samples] += ((ax * ax) + bx) / samples;
            for (int j = 0; j < d; j++)
            {
                upstream[(k * d) + j] = (2 * ax * a[j]) + b[j];
            }
        }

        return mean;
    }

    private static double[] Loss(UqContext context, double[] mu, double[] kappa, int d, VmfSampleOptions options, double[] r)
    {
        int n = kappa.Length;
        double[] x = new double[r.Length];
        context.VonMisesFisherSample(mu, kappa, d, options, new VmfSampleOutputs<double> { Samples = x });
        double[] loss = new double[n];
        for (int k = 0; k < x.Length; k++)
        {
            loss[k / (options.Samples * d)] += x[k] * r[k];
        }

        return loss;
    }

    private static double[] Perturb(double[] mu, double[] v, int d, double h)
    {
        double[] result = new double[mu.Length];
        for (int i = 0; i < mu.Length / d; i++)
        {
            double norm = 0;
            for (int j = 0; j < d; j++)
            {
                result[(i * d) + j] = mu[(i * d) + j] + (h * v[(i * d) + j]);
                norm += result[(i * d) + j] * result[(i * d) + j];
            }

            norm = Math.Sqrt(norm);
            for (int j = 0; j < d; j++)
            {
                result[(i * d) + j] /= norm;
            }
        }

        return result;
    }

    /// <summary>Unnormalised density <c>e^{κ(s − 1)}(1 − s²)^α</c> divided by its integral (fine trapezoid in the angle).</summary>
    private static double Density(int d, double kappa, double w) =>
        Math.Exp((kappa * (w - 1)) + ((d - 3) / 2.0 * Math.Log(1 - (w * w)))) / Normaliser(d, kappa);

    private static double Cdf(int d, double kappa, double w)
    {
        // ∫_{−1}^{w} in the angle φ (s = −cos φ), trapezoid on 400,001 points.
        double top = Math.Acos(-w);
        return Integral(d, kappa, top) / Normaliser(d, kappa);
    }

    private static double Normaliser(int d, double kappa) => Integral(d, kappa, Math.PI);

    private static double Integral(int d, double kappa, double top)
    {
        const int points = 400_001;
        double alpha = (d - 3) / 2.0;
        double step = top / (points - 1);
        double sum = 0;
        for (int i = 0; i < points; i++)
        {
            double phi = i * step;
            double sine = Math.Sin(phi);
            double s = -Math.Cos(phi);
            double value = sine <= 0 ? (d == 2 ? Math.Exp(kappa * (s - 1)) : 0) : Math.Exp((kappa * (s - 1)) + (2 * alpha * Math.Log(sine))) * sine;
            sum += (i == 0 || i == points - 1 ? 0.5 : 1) * value;
        }

        return sum * step;
    }
}
