using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;
using UqKernels.Tests.Infrastructure;
using Xunit.Abstractions;

namespace UqKernels.Tests.Vmf;

/// <summary>
/// <see cref="UqOps.VonMisesFisherSample(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfSampleOptions, VmfSampleOutputs{double})"/>
/// on every backend: unit norm, the moments of w against <c>A_d(κ)</c> and <c>A′_d(κ)</c> (CLT bounds), uniformity at
/// κ = 0, the exact d = 3 CDF (Kolmogorov–Smirnov), acceptance rates, determinism and the counter layout, agreement
/// between backends, rotation equivariance, the reference-mode bias, and argument validation (vmf_mcinfonce.md §4, §6
/// properties 10–11).
/// </summary>
/// <remarks>
/// Statistical bounds are 5σ with σ from the CLT (σ²(mean w) = A′/n; σ²(var w) = (m₄ − A′²)/n with the sample's fourth
/// central moment). Every stream is fixed by its seed, so a passing test cannot become flaky; a correct sampler fails a
/// 5σ bound with probability 6e−7 per check.
/// </remarks>
[Collection(BackendCollection.Name)]
public sealed class VmfSamplerTests(ITestOutputHelper output)
{
    /// <summary>|‖x‖ − 1| bounds: f64 a few ulp of the three-pass composition; f32 the spec's 2e−6 (§6 property 10).</summary>
    private const double UnitNormF64 = 1e-14;
    private const double UnitNormF32 = 2e-6;

    public static TheoryData<string> AllBackends => Backends.All;

    /// <summary>(d, κ): every regime of Wood's sampler (d = 2 Beta(½, ½), small/large κ/d) and the d = 3 inversion.</summary>
    private static readonly (int D, double Kappa)[] MomentCases =
    [
        (2, 1e-8), (2, 5), (3, 0.01), (3, 0.5), (3, 50), (4, 1), (5, 2), (10, 20), (16, 16), (64, 50), (128, 20), (512, 1000),
        (10, 1e6),
    ];

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Samples_AreUnit_AndCosineMomentsMatchA_F64(string backend) => Backends.With(backend, context =>
    {
        int samples = Backends.IsSlow(backend) ? 400 : 10_000;
        foreach ((int d, double kappa) in MomentCases)
        {
            int s = d >= 512 ? (Backends.IsSlow(backend) ? 100 : 4_000) : samples;
            var run = VmfRun<double>.Draw(context, d, [kappa], RandomUnitRows(1, d, seed: d), s, seed: 42, offset: 3);
            run.AssertUnit(UnitNormF64, $"d={d} κ={kappa}");
            run.AssertCosineMatchesProjection(1e-14, $"d={d} κ={kappa}");
            MomentReport(output, backend, "f64", d, kappa, run.Cosines(0));
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Samples_AreUnit_AndCosineMomentsMatchA_F32(string backend) => Backends.With(backend, context =>
    {
        int samples = Backends.IsSlow(backend) ? 400 : 10_000;
        foreach ((int d, double kappa) in MomentCases)
        {
            int s = d >= 512 ? (Backends.IsSlow(backend) ? 100 : 4_000) : samples;
            var run = VmfRun<float>.Draw(context, d, [(float)kappa], RandomUnitRowsF32(1, d, seed: d), s, seed: 43, offset: 0);
            run.AssertUnit(UnitNormF32, $"d={d} κ={kappa}");
            run.AssertCosineMatchesProjection(3e-6, $"d={d} κ={kappa}");
            MomentReport(output, backend, "f32", d, (float)kappa, run.Cosines(0));
        }
    });

    /// <summary>Several elements in one call: each element's samples follow its own (μ_i, κ_i).</summary>
    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Batch_EachElementFollowsItsOwnParameters(string backend) => Backends.With(backend, context =>
    {
        const int d = 8;
        double[] kappa = [0, 0.5, 3, 30, 300, 3000];
        int samples = Backends.IsSlow(backend) ? 400 : 8_000;
        double[] mu = RandomUnitRows(kappa.Length, d, seed: 5);
        var run = VmfRun<double>.Draw(context, d, kappa, mu, samples, seed: 9, offset: 1);
        run.AssertUnit(UnitNormF64, "batch");
        for (int i = 0; i < kappa.Length; i++)
        {
            MomentReport(output, backend, "f64 batch", d, kappa[i], run.Cosines(i));
        }
    });

    /// <summary>κ = 0: uniform on the sphere: <c>E[x] = 0</c>, <c>E[xxᵀ] = I/d</c> (5σ per entry).</summary>
    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ZeroKappa_IsUniform(string backend) => Backends.With(backend, context =>
    {
        foreach (int d in new[] { 2, 3, 7 })
        {
            int n = Backends.IsSlow(backend) ? 2_000 : 40_000;
            var run = VmfRun<double>.Draw(context, d, [0.0], RandomUnitRows(1, d, seed: 100 + d), n, seed: 77, offset: 0);
            double second = 1.0 / d;
            double varDiagonal = (3.0 / (d * (d + 2.0))) - (second * second);
            double varOff = 1.0 / (d * (d + 2.0));
            for (int a = 0; a < d; a++)
            {
                double mean = 0;
                for (int s = 0; s < n; s++)
                {
                    mean += run.X[(s * d) + a];
                }

                mean /= n;
                Assert.True(Math.Abs(mean) <= 5 * Math.Sqrt(second / n), $"d={d}: E[x_{a}] = {mean:E3}");
                for (int b = a; b < d; b++)
                {
                    double m = 0;
                    for (int s = 0; s < n; s++)
                    {
                        m += run.X[(s * d) + a] * run.X[(s * d) + b];
                    }

                    m /= n;
                    double expected = a == b ? second : 0;
                    double sigma = Math.Sqrt((a == b ? varDiagonal : varOff) / n);
                    Assert.True(Math.Abs(m - expected) <= 5 * sigma, $"d={d}: E[x_{a}x_{b}] = {m:R}, expected {expected}, σ = {sigma:E2}");
                }
            }
        }
    });

    /// <summary>
    /// The d = 3 inversion against the exact CDF <c>F(w) = expm1(κ(1 + w))/expm1(2κ)</c>, and Wood's sampler at d = 5 and
    /// 10 against the CDF integrated numerically: Kolmogorov–Smirnov <c>√n·D ≤ 1.95</c> (p = 0.001).
    /// </summary>
    [Theory]
    [MemberData(nameof(AllBackends))]
    public void CosineDistribution_PassesKolmogorovSmirnov(string backend) => Backends.With(backend, context =>
    {
        int n = Backends.IsSlow(backend) ? 1_000 : 20_000;
        foreach ((int d, double kappa) in new[] { (3, 1e-3), (3, 0.3), (3, 2.0), (3, 200.0), (5, 2.0), (10, 7.0), (2, 3.0) })
        {
            var run = VmfRun<double>.Draw(context, d, [kappa], RandomUnitRows(1, d, seed: 1), n, seed: 2024, offset: 5);
            double[] w = run.Cosines(0);
            Array.Sort(w);
            Func<double, double> cdf = d == 3 ? (x => Expm1(kappa * (1 + x)) / Expm1(2 * kappa)) : NumericCdf(d, kappa);
            double worst = 0;
            for (int i = 0; i < n; i++)
            {
                double f = cdf(w[i]);
                worst = Math.Max(worst, Math.Max(Math.Abs(f - (i / (double)n)), Math.Abs(f - ((i + 1) / (double)n))));
            }

            double statistic = Math.Sqrt(n) * worst;
            output.WriteLine($"{backend} KS d={d} κ={kappa}: √n·D = {statistic:F3}");
            Assert.True(statistic <= 1.95, $"d={d} κ={kappa}: √n·D = {statistic:F3}");
        }
    });

    /// <summary>Mean proposals per sample equals the reciprocal acceptance rate of the spec's table (§4.1), 5σ (geometric).</summary>
    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Proposals_MatchTheAcceptanceRate(string backend) => Backends.With(backend, context =>
    {
        int n = Backends.IsSlow(backend) ? 2_000 : 40_000;
        foreach ((int d, double kappa, double rate) in new[] { (8, 10.0, 0.810), (64, 100.0, 0.805), (3, 10.0, 1.0), (8, 1e6, 0.699) })
        {
            int[] proposals = new int[n];
            double[] x = new double[n * d];
            context.VonMisesFisherSample(
                RandomUnitRows(1, d, seed: 3), [kappa], d, new VmfSampleOptions { Samples = n, Seed = 5 },
                new VmfSampleOutputs<double> { Samples = x, Proposals = proposals });
            Assert.All(proposals, p => Assert.InRange(p, 1, VmfSampler.MaxProposals));
            double mean = proposals.Average();
            double sigma = Math.Sqrt((1 - rate) / (rate * rate) / n);
            output.WriteLine($"{backend} d={d} κ={kappa}: mean proposals {mean:F4}, expected {1 / rate:F4} (rate rounded to 3 digits)");
            Assert.True(Math.Abs(mean - (1 / rate)) <= (5 * sigma) + (2e-3 / rate), $"d={d} κ={kappa}: {mean} vs {1 / rate}");
        }
    });

    /// <summary>
    /// Same (seed, offset) ⇒ identical bits on the same backend; the samples of (i, s) do not depend on N or S (the counter
    /// layout); another offset or seed ⇒ different samples; μ = ±e₁ exactly gives finite unit samples.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Streams_AreDeterministic_AndIndexedByCounters(string backend) => Backends.With(backend, context =>
    {
        const int d = 6;
        double[] kappa = [0.7, 25, 4000];
        double[] mu = RandomUnitRows(3, d, seed: 11);
        var a = VmfRun<double>.Draw(context, d, kappa, mu, 5, seed: 123, offset: 77);
        var b = VmfRun<double>.Draw(context, d, kappa, mu, 5, seed: 123, offset: 77);
        Assert.Equal(a.X, b.X);
        Assert.Equal(a.W, b.W);

        // Prefix in S and subset in N: element 1's first 2 samples of an S = 2 call on elements [0, 1].
        var prefix = VmfRun<double>.Draw(context, d, kappa.AsSpan(0, 2).ToArray(), mu.AsSpan(0, 2 * d).ToArray(), 2, seed: 123, offset: 77);
        Assert.Equal(a.X.AsSpan((5 * d) + 0, 2 * d).ToArray(), prefix.X.AsSpan(2 * d, 2 * d).ToArray());

        var otherOffset = VmfRun<double>.Draw(context, d, kappa, mu, 5, seed: 123, offset: 78);
        var otherSeed = VmfRun<double>.Draw(context, d, kappa, mu, 5, seed: 124, offset: 77);
        Assert.All(Enumerable.Range(0, a.X.Length), i => Assert.NotEqual(a.X[i], otherOffset.X[i]));
        Assert.All(Enumerable.Range(0, a.X.Length), i => Assert.NotEqual(a.X[i], otherSeed.X[i]));

        double[] axes = new double[2 * d];
        axes[0] = 1;
        axes[d] = -1;
        var onAxis = VmfRun<double>.Draw(context, d, [3.0, 1e5], axes, 50, seed: 1, offset: 0);
        onAxis.AssertUnit(UnitNormF64, "μ = ±e₁");
    });

    /// <summary>
    /// Backends agree on the same counters: the CPU accelerator runs the same IL math as the CPU path and must match it
    /// bit for bit; GPUs may differ by the rounding of their log/exp/sqrt (bound 1e−12 f64 / 2e−5 f32 on x — a rejection
    /// decision could in principle flip at a rounding boundary; never observed).
    /// </summary>
    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Backends_AgreeWithTheCpuPath(string backend)
    {
        const int d = 20;
        double[] kappa = [0, 0.2, 3, 11, 60, 1e4, 1e6];
        double[] mu = RandomUnitRows(kappa.Length, d, seed: 21);
        float[] kappa32 = kappa.Select(k => (float)k).ToArray();
        float[] mu32 = mu.Select(v => (float)v).ToArray();
        VmfRun<double> reference = null!, actual = null!;
        VmfRun<float> reference32 = null!, actual32 = null!;
        Backends.With("cpu", context =>
        {
            reference = VmfRun<double>.Draw(context, d, kappa, mu, 16, seed: 5, offset: 9);
            reference32 = VmfRun<float>.Draw(context, d, kappa32, mu32, 16, seed: 5, offset: 9);
        });
        Backends.With(backend, context =>
        {
            actual = VmfRun<double>.Draw(context, d, kappa, mu, 16, seed: 5, offset: 9);
            actual32 = VmfRun<float>.Draw(context, d, kappa32, mu32, 16, seed: 5, offset: 9);
        });
        double diff64 = reference.X.Zip(actual.X, (p, q) => Math.Abs(p - q)).Max();
        double diff32 = reference32.X.Zip(actual32.X, (p, q) => (double)Math.Abs(p - q)).Max();
        output.WriteLine($"{backend} vs cpu: max |Δx| f64 {diff64:E2}, f32 {diff32:E2}");
        if (backend is "cpu" or "ilgpu-cpu")
        {
            Assert.Equal(reference.X, actual.X);
            Assert.Equal(reference32.X, actual32.X);
        }
        else
        {
            Assert.True(diff64 <= 1e-12, $"f64 max |Δx| = {diff64:E2}");
            Assert.True(diff32 <= 2e-5, $"f32 max |Δx| = {diff32:E2}");
        }
    }

    /// <summary>
    /// Rotation equivariance. Per sample (the shared composition, §6 property 11): <c>x(Qμ, Qg) = Q·x(μ, g)</c> to 1e−14
    /// for random orthogonal Q. Through the operation (same counters, so g is not rotated): w does not depend on μ at all
    /// (bit-identical), and <c>Qᵀx(Qμ)</c> has the moments of <c>x(μ)</c> — equivariance in distribution.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Rotation_IsEquivariant(string backend) => Backends.With(backend, context =>
    {
        const int d = 5;
        double[] q = RandomOrthogonal(d, seed: 4);
        double[] mu = RandomUnitRows(1, d, seed: 8);
        double[] rotatedMu = Multiply(q, mu, d);
        var random = new Random(3);
        for (int trial = 0; trial < 20; trial++)
        {
            double[] g = Enumerable.Range(0, d).Select(_ => random.NextDouble() - 0.5).ToArray();
            var cosine = new VmfCosineSample<double> { OneMinusW = 0.3, OnePlusW = 1.7, W = 0.7 };
            double[] x = Compose(mu, g, cosine);
            double[] xRotated = Compose(rotatedMu, Multiply(q, g, d), cosine);
            double[] expected = Multiply(q, x, d);
            for (int j = 0; j < d; j++)
            {
                Assert.True(Math.Abs(xRotated[j] - expected[j]) <= 1e-14, $"x(Qμ, Qg)_{j} = {xRotated[j]:R}, Q·x = {expected[j]:R}");
            }
        }

        int n = Backends.IsSlow(backend) ? 2_000 : 20_000;
        var plain = VmfRun<double>.Draw(context, d, [4.0], mu, n, seed: 6, offset: 0);
        var rotated = VmfRun<double>.Draw(context, d, [4.0], rotatedMu, n, seed: 6, offset: 0);
        Assert.Equal(plain.W, rotated.W);
        double[] qt = Transpose(q, d);
        double[] back = new double[rotated.X.Length];
        for (int s = 0; s < n; s++)
        {
            Multiply(qt, rotated.X.AsSpan(s * d, d), d).CopyTo(back, s * d);
        }

        // Second moments of the back-rotated samples against those of the plain ones (two independent samples).
        for (int a = 0; a < d; a++)
        {
            for (int b = a; b < d; b++)
            {
                double m1 = 0, m2 = 0, v1 = 0;
                for (int s = 0; s < n; s++)
                {
                    double p1 = plain.X[(s * d) + a] * plain.X[(s * d) + b];
                    m1 += p1;
                    v1 += p1 * p1;
                    m2 += back[(s * d) + a] * back[(s * d) + b];
                }

                m1 /= n;
                m2 /= n;
                double sigma = Math.Sqrt(2 * Math.Max((v1 / n) - (m1 * m1), 1e-12) / n);
                Assert.True(Math.Abs(m1 - m2) <= 5 * sigma, $"E[x_{a}x_{b}]: {m1:R} vs {m2:R} (σ {sigma:E2})");
            }
        }
    });

    /// <summary>
    /// The reference b-blend (§4.4) changes w only for κ &gt; 10 — below, both tests are the same inequality (identical
    /// samples up to rounding) — and reproduces the documented bias: d = 512, κ = 50 gives mean cosine ≈ −0.437 instead
    /// of A = 0.0967; d = 128, κ = 20 gives −0.2254 instead of 0.1527.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ReferenceMode_IsBiasedOnlyAboveKappaTen(string backend) => Backends.With(backend, context =>
    {
        const int d = 16;
        double[] kappa = [0.1, 2, 9.5, 10, 12, 50];
        double[] mu = RandomUnitRows(kappa.Length, d, seed: 2);
        var exact = VmfRun<double>.Draw(context, d, kappa, mu, 64, seed: 10, offset: 0);
        var reference = VmfRun<double>.Draw(context, d, kappa, mu, 64, seed: 10, offset: 0, VmfSamplerMode.ReferenceSvae);
        for (int i = 0; i < kappa.Length; i++)
        {
            double[] we = exact.Cosines(i), wr = reference.Cosines(i);
            double diff = we.Zip(wr, (p, q) => Math.Abs(p - q)).Max();
            if (kappa[i] <= 10)
            {
                Assert.True(diff <= 1e-12, $"κ={kappa[i]}: reference mode changed w by {diff:E2}");
            }
            else
            {
                Assert.True(diff > 1e-3, $"κ={kappa[i]}: reference mode did not change w");
            }
        }

        int n = Backends.IsSlow(backend) ? 300 : 4_000;
        foreach ((int dd, double k, double biased) in new[] { (512, 50.0, -0.4368), (128, 20.0, -0.2254) })
        {
            var run = VmfRun<double>.Draw(context, dd, [k], RandomUnitRows(1, dd, seed: 1), n, seed: 3, offset: 0, VmfSamplerMode.ReferenceSvae);
            double mean = run.Cosines(0).Average();
            output.WriteLine($"{backend} reference mode d={dd} κ={k}: mean w {mean:F4} (spec: {biased})");
            Assert.True(Math.Abs(mean - biased) < 0.02, $"d={dd} κ={k}: mean w {mean} vs the documented {biased}");
            var good = VmfRun<double>.Draw(context, dd, [k], RandomUnitRows(1, dd, seed: 1), n, seed: 3, offset: 0);
            AssertMoments(dd, k, good.Cosines(0), $"exact d={dd} κ={k}");
        }
    });

    /// <summary>
    /// The checked-in cases of tests/data/eval/vmf_sample (an independent float64 NumPy implementation of the same
    /// algorithm and counter layout, tests/reference/make_vmf_sample_cases.py): samples and cosines element-wise within
    /// <see cref="Tolerance.F64"/> / <see cref="Tolerance.F32"/> — the same check <c>uqk validate</c> runs.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ReferenceCases_MatchTheIndependentImplementation(string backend) => Backends.With(backend, context =>
    {
        foreach (ReferenceCase reference in ReferenceCase.Load("vmf_sample"))
        {
            var options = new VmfSampleOptions
            {
                Samples = reference.MetaInt("samples", 1),
                Seed = (ulong)reference.MetaDouble("seed", 0),
                Offset = (ulong)reference.MetaDouble("offset", 0),
            };
            int d = reference.Input("mu").Shape[1];
            double[] x, w;
            Tolerance tolerance;
            if (reference.DType == "f64")
            {
                double[] kappa = reference.Input("kappa").As<double>();
                x = new double[kappa.Length * options.Samples * d];
                w = new double[kappa.Length * options.Samples];
                context.VonMisesFisherSample(reference.Input("mu").As<double>(), kappa, d, options, new VmfSampleOutputs<double> { Samples = x, Cosines = w });
                tolerance = Tolerance.F64;
            }
            else
            {
                float[] kappa = reference.Input("kappa").As<float>();
                float[] x32 = new float[kappa.Length * options.Samples * d];
                float[] w32 = new float[kappa.Length * options.Samples];
                context.VonMisesFisherSample(reference.Input("mu").As<float>(), kappa, d, options, new VmfSampleOutputs<float> { Samples = x32, Cosines = w32 });
                x = x32.Select(v => (double)v).ToArray();
                w = w32.Select(v => (double)v).ToArray();
                tolerance = Tolerance.F32;
            }

            double[] expectedX = reference.Expected("samples");
            double[] expectedW = reference.Expected("w");
            output.WriteLine(
                $"{backend} {reference.Name}: max |Δx| {expectedX.Zip(x, (p, q) => Math.Abs(p - q)).Max():E2}, "
                + $"max |Δw| {expectedW.Zip(w, (p, q) => Math.Abs(p - q)).Max():E2}");
            tolerance.AssertClose(expectedX, x, reference.Name + " samples");
            tolerance.AssertClose(expectedW, w, reference.Name + " w");
        }
    });

    public static TheoryData<string, string> BadInputs => new()
    {
        { "dimension 1", "dimension" },
        { "negative kappa", "kappa" },
        { "NaN kappa", "kappa" },
        { "large kappa", "kappa" },
        { "non-unit mu", "mu" },
        { "zero mu", "mu" },
        { "NaN mu", "mu" },
        { "mu length", "mu" },
        { "samples 0", "options.Samples" },
        { "samples -1", "options.Samples" },
        { "offset 2^44", "options.Offset" },
        { "short samples", "outputs.Samples" },
        { "short cosines", "outputs.Cosines" },
        { "upstream length", "upstream" },
        { "no gradient", "gradients" },
        { "short gradient", "gradients.Mu" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInput_ThrowsNamingTheArgument(string what, string parameter)
    {
        using UqContext context = UqContext.Create(UqBackend.Cpu);
        int d = 3;
        double[] mu = [1, 0, 0, 0, 1, 0];
        double[] kappa = [1, 2];
        var options = new VmfSampleOptions { Samples = 2 };
        double[] x = new double[12];
        double[] w = new double[4];
        double[] upstream = new double[12];
        double[] dMu = new double[6];
        switch (what)
        {
            case "dimension 1": d = 1; mu = [1, 1]; x = new double[4]; break;
            case "negative kappa": kappa = [1, -1]; break;
            case "NaN kappa": kappa = [double.NaN, 1]; break;
            case "large kappa": kappa = [1, 2e6]; break;
            case "non-unit mu": mu = [1, 0, 0, 0, 1.01, 0]; break;
            case "zero mu": mu = [1, 0, 0, 0, 0, 0]; break;
            case "NaN mu": mu = [1, 0, 0, double.NaN, 1, 0]; break;
            case "mu length": mu = [1, 0, 0, 0, 1]; break;
            case "samples 0": options = options with { Samples = 0 }; break;
            case "samples -1": options = options with { Samples = -1 }; break;
            case "offset 2^44": options = options with { Offset = 1UL << 44 }; break;
            case "short samples": x = new double[11]; break;
            case "short cosines": w = new double[3]; break;
            case "upstream length": upstream = new double[11]; break;
            case "no gradient": dMu = []; break;
            case "short gradient": dMu = new double[5]; break;
        }

        ArgumentException error = Assert.ThrowsAny<ArgumentException>(() =>
        {
            if (what is "upstream length" or "no gradient" or "short gradient")
            {
                context.VonMisesFisherSampleBackward(mu, kappa, d, options, upstream, GradientMode.Implicit, new VmfSampleGradients<double> { Mu = dMu });
            }
            else
            {
                context.VonMisesFisherSample(mu, kappa, d, options, new VmfSampleOutputs<double> { Samples = x, Cosines = w });
            }
        });
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void BadInput_F32AndBackwardShareTheChecks()
    {
        using UqContext context = UqContext.Create(UqBackend.Cpu);
        float[] x = new float[6];
        Assert.Equal("mu", Assert.ThrowsAny<ArgumentException>(() =>
            context.VonMisesFisherSample([2f, 0f, 0f], [1f], 3, new VmfSampleOptions { Samples = 2 }, new VmfSampleOutputs<float> { Samples = x })).ParamName);
        Assert.Equal("kappa", Assert.ThrowsAny<ArgumentException>(() =>
            context.VonMisesFisherSampleBackward([1f, 0f, 0f], [float.NaN], 3, new VmfSampleOptions { Samples = 2 }, x, GradientMode.Pathwise,
                new VmfSampleGradients<float> { Kappa = new float[1] })).ParamName);
        Assert.Equal("mode", Assert.ThrowsAny<ArgumentException>(() =>
            context.VonMisesFisherSampleBackward([1f, 0f, 0f], [1f], 3, new VmfSampleOptions { Samples = 2 }, x, (GradientMode)7,
                new VmfSampleGradients<float> { Kappa = new float[1] })).ParamName);
        // Empty batch: nothing to do, no error.
        context.VonMisesFisherSample(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, 3, new VmfSampleOptions(), new VmfSampleOutputs<float> { Samples = x });
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------------------

    internal static void MomentReport(ITestOutputHelper output, string backend, string what, int d, double kappa, double[] w)
    {
        (double zMean, double zVar) = AssertMoments(d, kappa, w, $"{what} d={d} κ={kappa}");
        output.WriteLine($"{backend} {what} d={d} κ={kappa}: n={w.Length}, (E[w] − A)/σ = {zMean:F2}, (Var w − A′)/σ = {zVar:F2}");
    }

    /// <summary>Asserts <c>|mean − A| ≤ 5σ</c> and <c>|var − A′| ≤ 5σ</c>; returns both z-scores.</summary>
    internal static (double ZMean, double ZVar) AssertMoments(int d, double kappa, double[] w, string what)
    {
        (double a, double aPrime) = Reference(d, kappa);
        int n = w.Length;
        double mean = w.Average();
        double m2 = 0, m4 = 0;
        foreach (double v in w)
        {
            double c = v - mean;
            m2 += c * c;
            m4 += c * c * c * c;
        }

        m2 /= n - 1;
        m4 /= n;
        double sigmaMean = Math.Sqrt(aPrime / n);
        double sigmaVar = Math.Sqrt(Math.Max(m4 - (aPrime * aPrime), 0) / n);
        double zMean = (mean - a) / sigmaMean;
        double zVar = (m2 - aPrime) / sigmaVar;
        Assert.True(Math.Abs(zMean) <= 5, $"{what}: E[w] = {mean:R}, A = {a:R}, z = {zMean:F2}");
        Assert.True(Math.Abs(zVar) <= 5 || Math.Abs(m2 - aPrime) <= 1e-12, $"{what}: Var(w) = {m2:R}, A′ = {aPrime:R}, z = {zVar:F2}");
        return (zMean, zVar);
    }

    /// <summary><c>A_d(κ)</c> and <c>A′_d(κ)</c> from the library's validated scalar core (f64).</summary>
    internal static (double A, double APrime) Reference(int d, double kappa)
    {
        VmfScalars<double> s = VmfMath.Evaluate<double, Real64>(VmfMath.Order<double, Real64>(d), kappa);
        return (s.MeanResultantLength, s.MeanResultantLengthDerivative);
    }

    internal static double Expm1(double x) => Math.Abs(x) < 1e-5 ? x + (x * x / 2) + (x * x * x / 6) : Math.Exp(x) - 1;

    /// <summary>
    /// The CDF of w for d ≠ 3 by the trapezoid rule on 200,001 points of <c>s = 1 − 2σ²</c>-free grid
    /// <c>s = −1 + 2(1 − cos(πt))/2</c>, which clusters points at the endpoints (integrable singularity for d = 2).
    /// </summary>
    internal static Func<double, double> NumericCdf(int d, double kappa)
    {
        const int points = 200_001;
        double alpha = (d - 3) / 2.0;
        double[] s = new double[points];
        double[] cumulative = new double[points];
        double previous = 0;
        for (int i = 0; i < points; i++)
        {
            double t = i / (double)(points - 1);
            s[i] = -Math.Cos(Math.PI * t); // ds = π sin(πt) dt
            double sine = Math.Sin(Math.PI * t);
            double density = sine == 0 ? 0 : Math.Exp((kappa * (s[i] - 1)) + (alpha * Math.Log(sine * sine))) * Math.PI * sine;
            if (i > 0)
            {
                cumulative[i] = cumulative[i - 1] + (0.5 * (previous + density) / (points - 1));
            }

            previous = density;
        }

        double total = cumulative[^1];
        return x =>
        {
            int index = Array.BinarySearch(s, x);
            if (index >= 0)
            {
                return cumulative[index] / total;
            }

            index = ~index;
            if (index <= 0)
            {
                return 0;
            }

            if (index >= points)
            {
                return 1;
            }

            double f = (x - s[index - 1]) / (s[index] - s[index - 1]);
            return ((cumulative[index - 1] * (1 - f)) + (cumulative[index] * f)) / total;
        };
    }

    internal static double[] RandomUnitRows(int rows, int d, int seed)
    {
        var random = new Random(seed);
        double[] mu = new double[rows * d];
        for (int i = 0; i < rows; i++)
        {
            double norm = 0;
            for (int j = 0; j < d; j++)
            {
                double v = random.NextDouble() - 0.5;
                mu[(i * d) + j] = v;
                norm += v * v;
            }

            norm = Math.Sqrt(norm);
            for (int j = 0; j < d; j++)
            {
                mu[(i * d) + j] /= norm;
            }
        }

        return mu;
    }

    internal static float[] RandomUnitRowsF32(int rows, int d, int seed) =>
        RandomUnitRows(rows, d, seed).Select(v => (float)v).ToArray();

    private static double[] Compose(double[] mu, double[] g, VmfCosineSample<double> cosine)
    {
        var row = new ArrayRow(mu, (double[])g.Clone());
        VmfSampler.ComposeRow<double, Real64, ArrayRow>(mu.Length, 1.0, cosine, ref row);
        return row.X;
    }

    private static double[] RandomOrthogonal(int d, int seed)
    {
        // Gram–Schmidt of a random matrix (rows orthonormal).
        var random = new Random(seed);
        double[] q = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                q[(i * d) + j] = random.NextDouble() - 0.5;
            }

            for (int k = 0; k < i; k++)
            {
                double dot = 0;
                for (int j = 0; j < d; j++)
                {
                    dot += q[(i * d) + j] * q[(k * d) + j];
                }

                for (int j = 0; j < d; j++)
                {
                    q[(i * d) + j] -= dot * q[(k * d) + j];
                }
            }

            double norm = Math.Sqrt(Enumerable.Range(0, d).Sum(j => q[(i * d) + j] * q[(i * d) + j]));
            for (int j = 0; j < d; j++)
            {
                q[(i * d) + j] /= norm;
            }
        }

        return q;
    }

    private static double[] Multiply(double[] q, ReadOnlySpan<double> v, int d)
    {
        double[] result = new double[d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                result[i] += q[(i * d) + j] * v[j];
            }
        }

        return result;
    }

    private static double[] Transpose(double[] q, int d)
    {
        double[] t = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                t[(j * d) + i] = q[(i * d) + j];
            }
        }

        return t;
    }

    private struct ArrayRow(double[] mu, double[] x) : IVmfSampleRow<double>
    {
        public readonly double[] X => x;

        public readonly double Mu(int j) => mu[j];

        public readonly double Read(int j) => x[j];

        public readonly void Write(int j, double value) => x[j] = value;
    }
}

/// <summary>One call of the sampler with its inputs and outputs, in f64 for the checks.</summary>
internal sealed class VmfRun<T>
    where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
{
    public required int D { get; init; }

    public required int S { get; init; }

    public required double[] Mu { get; init; }

    public required double[] X { get; init; }

    public required double[] W { get; init; }

    public static VmfRun<T> Draw(
        UqContext context, int d, T[] kappa, T[] mu, int samples, ulong seed, ulong offset, VmfSamplerMode mode = VmfSamplerMode.Exact)
    {
        int n = kappa.Length;
        var x = new T[n * samples * d];
        var w = new T[n * samples];
        var options = new VmfSampleOptions { Samples = samples, Seed = seed, Offset = offset, Mode = mode };
        switch (x, w, kappa, mu)
        {
            case (double[] x64, double[] w64, double[] k64, double[] m64):
                context.VonMisesFisherSample(m64, k64, d, options, new VmfSampleOutputs<double> { Samples = x64, Cosines = w64 });
                break;
            case (float[] x32, float[] w32, float[] k32, float[] m32):
                context.VonMisesFisherSample(m32, k32, d, options, new VmfSampleOutputs<float> { Samples = x32, Cosines = w32 });
                break;
        }

        return new VmfRun<T>
        {
            D = d,
            S = samples,
            Mu = mu.Select(v => double.CreateChecked(v)).ToArray(),
            X = x.Select(v => double.CreateChecked(v)).ToArray(),
            W = w.Select(v => double.CreateChecked(v)).ToArray(),
        };
    }

    /// <summary>The cosines of element <paramref name="element"/>.</summary>
    public double[] Cosines(int element) => W.AsSpan(element * S, S).ToArray();

    public void AssertUnit(double tolerance, string what)
    {
        double worst = 0;
        for (int k = 0; k < X.Length / D; k++)
        {
            double norm = 0;
            for (int j = 0; j < D; j++)
            {
                norm += X[(k * D) + j] * X[(k * D) + j];
            }

            worst = Math.Max(worst, Math.Abs(Math.Sqrt(norm) - 1));
        }

        Assert.True(worst <= tolerance, $"{what}: max |‖x‖ − 1| = {worst:E3} > {tolerance:E1}");
    }

    /// <summary>The returned cosine equals <c>μ̂ᵀx</c> of the returned sample (up to the composition's rounding).</summary>
    public void AssertCosineMatchesProjection(double tolerance, string what)
    {
        int n = Mu.Length / D;
        double worst = 0;
        for (int i = 0; i < n; i++)
        {
            double norm = Math.Sqrt(Enumerable.Range(0, D).Sum(j => Mu[(i * D) + j] * Mu[(i * D) + j]));
            for (int s = 0; s < S; s++)
            {
                double dot = 0;
                for (int j = 0; j < D; j++)
                {
                    dot += Mu[(i * D) + j] / norm * X[(((i * S) + s) * D) + j];
                }

                worst = Math.Max(worst, Math.Abs(dot - W[(i * S) + s]));
            }
        }

        Assert.True(worst <= tolerance, $"{what}: max |μ̂ᵀx − w| = {worst:E3}");
    }
}
