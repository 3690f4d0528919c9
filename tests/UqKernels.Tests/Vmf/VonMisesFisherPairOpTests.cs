using System.Globalization;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using UqKernels.IO;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;
using UqKernels.Tests.Infrastructure;
using UqKernels.Validation;
using Xunit.Abstractions;

namespace UqKernels.Tests.Vmf;

/// <summary>
/// The batched von Mises–Fisher pair operations (KL with κ-gradients, expected-likelihood kernel, log-density with
/// κ-derivative) on every backend: the mpmath pair vectors of tests/data/vmf with the issue's tolerances, the
/// unit-vector overloads against the cosine overloads, bit-identity of the CPU path with <see cref="VmfPairMath"/>,
/// FsCheck properties (KL(p‖p) = 0, KL ≥ 0, ELK symmetric), optional outputs, the <c>uqk validate</c> cases and
/// argument validation.
/// </summary>
[Collection(BackendCollection.Name)]
public sealed class VonMisesFisherPairOpTests(ITestOutputHelper output)
{
    /// <summary>
    /// Issue tolerances (the same as the scalar-core tests): KL 1e−12 (f64) / 1e−5 (f32) ·max(1, |ref|), log p as log C
    /// (1e−13 / 4e−6 scaled), gradients as A′ (1e−10 / 5e−5) of the size of their terms, ELK as KL of the size of its
    /// terms (<see cref="VmfPairTable.ElkScale"/>).
    /// </summary>
    private static class Issue
    {
        public const double F64Kl = 1e-12;
        public const double F64LogP = 1e-13;
        public const double F64Derivative = 1e-10;
        public const double F32Kl = 1e-5;
        public const double F32LogP = 4e-6;
        public const double F32Derivative = 5e-5;
    }

    public static TheoryData<string> AllBackends => Backends.All;

    // ------------------------------------------------------------------------------------------------------------
    // Reference pairs
    // ------------------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ReferencePairs_F64_WithinIssueTolerances(string backend) => Backends.With(backend, context =>
        CheckReference<double, Real64>(context, $"f64 {backend}", Issue.F64Kl, Issue.F64LogP, Issue.F64Derivative, backend == "cpu"));

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ReferencePairs_F32_WithinIssueTolerances(string backend) => Backends.With(backend, context =>
        CheckReference<float, Real32>(context, $"f32 {backend}", Issue.F32Kl, Issue.F32LogP, Issue.F32Derivative, backend == "cpu"));

    private void CheckReference<T, TReal>(UqContext context, string label, double kl, double logP, double derivative, bool bitIdentical)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        VmfPairTable p = VmfPairTable.Load();
        int n = p.D.Length;
        double[][] got = Enumerable.Range(0, 6).Select(_ => new double[n]).ToArray();
        // One launch per (d, ρ): d and ρ are per-launch arguments.
        foreach (IGrouping<(int D, double Rho), int> group in Enumerable.Range(0, n).GroupBy(i => (p.D[i], p.Rho[i])))
        {
            int[] rows = group.ToArray();
            T[] k1 = rows.Select(i => Exact<T, TReal>(p.Kappa1[i])).ToArray();
            T[] k2 = rows.Select(i => Exact<T, TReal>(p.Kappa2[i])).ToArray();
            T[] omc = rows.Select(i => Exact<T, TReal>(p.OneMinusCos[i])).ToArray();
            T[][] o = Run<T, TReal>(context, k1, k2, omc, group.Key.D, TReal.FromDouble(group.Key.Rho));
            VmfOrder<T> order = VmfMath.Order<T, TReal>(group.Key.D);
            for (int j = 0; j < rows.Length; j++)
            {
                for (int q = 0; q < 6; q++)
                {
                    got[q][rows[j]] = TReal.ToDouble(o[q][j]);
                }

                if (bitIdentical)
                {
                    // The CPU path is the shared per-element math, bit for bit.
                    VmfPairMath.Kl<T, TReal>(order, k1[j], k2[j], omc[j], out T e0, out T e1, out T e2);
                    T e3 = VmfPairMath.ExpectedLikelihoodKernel<T, TReal>(order, k1[j], k2[j], omc[j], TReal.FromDouble(group.Key.Rho));
                    VmfPairMath.LogDensity<T, TReal>(order, k1[j], omc[j], out T e4, out T e5);
                    T[] expected = [e0, e1, e2, e3, e4, e5];
                    for (int q = 0; q < 6; q++)
                    {
                        Assert.True(expected[q].Equals(o[q][j]), $"output {q} of pair {rows[j]}: op {o[q][j]} ≠ VmfPairMath {expected[q]}");
                    }
                }
            }
        }

        var scales = Enumerable.Range(0, n).Select(i => VmfPairTable.DerivativeScales(p.D[i], p.Kappa1[i], p.Kappa2[i], p.OneMinusCos[i])).ToArray();
        double[] elkScale = Enumerable.Range(0, n).Select(i => VmfPairTable.ElkScale(p.D[i], p.Kappa1[i], p.Kappa2[i], p.OneMinusCos[i], p.Rho[i])).ToArray();
        var report = new VmfErrorReport(label, p.D, p.Kappa1);
        report.Scaled("KL(p₁‖p₂)", p.Kl, got[0], kl);
        report.ScaledBy("∂KL/∂κ₁", p.DklDkappa1, got[1], scales.Select(s => s.Dkl1).ToArray(), derivative);
        report.ScaledBy("∂KL/∂κ₂", p.DklDkappa2, got[2], scales.Select(s => s.Dkl2).ToArray(), derivative);
        report.ScaledBy("ELK", p.Elk, got[3], elkScale, kl);
        report.Scaled("log p", p.LogDensity, got[4], logP);
        report.ScaledBy("∂log p/∂κ", p.DlogDensityDkappa, got[5], scales.Select(s => s.DlogP).ToArray(), derivative);
        report.Finish(output);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Unit-vector overloads
    // ------------------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void UnitVectorOverloads_MatchCosineOverloads_AndKeepSmallAnglesAccurate(string backend) => Backends.With(backend, context =>
    {
        var random = new Random(20261124);
        foreach (int d in new[] { 2, 3, 64, 700 })
        {
            // Pairs at angles from 1e−7 to π (and 0): 1 − cos θ = 2 sin²(θ/2) is the exact gap of the construction.
            double[] angles = [0, 1e-7, 1e-5, 1e-3, 0.1, 1, 2, 3, Math.PI];
            int n = angles.Length;
            double[] mu1 = new double[n * d];
            double[] mu2 = new double[n * d];
            for (int i = 0; i < n; i++)
            {
                (double[] a, double[] b) = PairAtAngle(random, d, angles[i]);
                a.CopyTo(mu1, i * d);
                b.CopyTo(mu2, i * d);
            }

            double[] kappa1 = Enumerable.Range(0, n).Select(i => Math.Pow(10, -2 + (8.0 * random.NextDouble()))).ToArray();
            double[] kappa2 = Enumerable.Range(0, n).Select(i => Math.Pow(10, -2 + (8.0 * random.NextDouble()))).ToArray();

            // f64: the gap ‖μ₁ − μ₂‖²/2 equals 2 sin²(θ/2) to ~1e−8 relative even at θ = 1e−7, where 1 − μ₁ᵀμ₂ (gap
            // 5e−15, rounding ~1e−16) would be off by percents.
            double[] gaps = Enumerable.Range(0, n).Select(i => HalfSquaredDistance(mu1.AsSpan(i * d, d), mu2.AsSpan(i * d, d))).ToArray();
            for (int i = 0; i < n; i++)
            {
                double exact = 2 * Math.Sin(angles[i] / 2) * Math.Sin(angles[i] / 2);
                // The construction's own rounding moves μ₁ − μ₂ by a few eps absolute: ~eps·θ in the gap.
                Assert.True(
                    Math.Abs(gaps[i] - exact) <= (1e-12 * exact) + (1e-15 * angles[i]) + 1e-30,
                    $"d={d}, θ={angles[i]}: gap {gaps[i]:R} vs {exact:R}");
            }

            CompareOverloads<double, Real64>(context, d, mu1, mu2, kappa1, kappa2, gaps, 1e-13);

            // f32: the same pairs rounded to f32 and renormalised in f64 (so they pass the unit check), gaps from the
            // f32 values in f64.
            float[] mu1f = Normalised(mu1, d);
            float[] mu2f = Normalised(mu2, d);
            double[] gapsF = Enumerable.Range(0, n).Select(i => HalfSquaredDistance(
                mu1f.AsSpan(i * d, d).ToArray().Select(v => (double)v).ToArray(), mu2f.AsSpan(i * d, d).ToArray().Select(v => (double)v).ToArray())).ToArray();
            CompareOverloads<float, Real32>(
                context, d, mu1f, mu2f, kappa1.Select(k => (float)k).ToArray(), kappa2.Select(k => (float)k).ToArray(),
                gapsF.Select(g => (float)Math.Min(2, g)).ToArray(), 2e-6);
        }
    });

    /// <summary>Each vector overload equals its cosine overload fed with the test's own gaps, to <paramref name="tolerance"/>·max(1, |value|) and relative to the gradient terms.</summary>
    private static void CompareOverloads<T, TReal>(UqContext context, int d, T[] mu1, T[] mu2, T[] kappa1, T[] kappa2, T[] gaps, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        int n = kappa1.Length;
        T rho = TReal.FromDouble(1.0);
        T[][] fromCosines = Run<T, TReal>(context, kappa1, kappa2, gaps, d, rho);
        T[][] fromVectors = RunVectors<T, TReal>(context, mu1, mu2, kappa1, kappa2, d, rho);
        for (int i = 0; i < n; i++)
        {
            double k1 = TReal.ToDouble(kappa1[i]);
            double k2 = TReal.ToDouble(kappa2[i]);
            double gap = TReal.ToDouble(gaps[i]);
            (double dkl1, double dkl2, double dlogp) = VmfPairTable.DerivativeScales(d, k1, k2, gap);
            // A gap error δ moves KL by κ₂A₁δ, ELK by ~ρκ₁κ₂δ/κ₃ and log p by κδ: the bound includes that sensitivity.
            double sensitivity = Math.Max(k1, k2) * Math.Max(gap, 1e-30);
            double[] scale =
            [
                Math.Max(1, sensitivity), Math.Max(dkl1, 1e-300), Math.Max(dkl2, 1e-300),
                Math.Max(VmfPairTable.ElkScale(d, k1, k2, gap, 1.0), sensitivity), Math.Max(1, sensitivity), Math.Max(dlogp, 1e-300),
            ];
            for (int q = 0; q < 6; q++)
            {
                double expected = TReal.ToDouble(fromCosines[q][i]);
                double actual = TReal.ToDouble(fromVectors[q][i]);
                Assert.True(
                    Math.Abs(actual - expected) <= tolerance * Math.Max(scale[q], Math.Abs(expected)),
                    string.Create(CultureInfo.InvariantCulture, $"{typeof(T).Name} d={d} pair {i} output {q}: vectors {actual:R} vs cosines {expected:R}"));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Properties, optional outputs, eval cases
    // ------------------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Properties_KlZeroForIdenticalNonNegative_ElkSymmetric(string backend)
    {
        Gen<(int D, double K1, double K2, double Omc)> element =
            from d in Gen.OneOf(Gen.Choose(2, 70), Gen.Choose(2, 65536))
            from e1 in Gen.Choose(-6000, 6000)
            from e2 in Gen.Choose(-6000, 6000)
            from c in Gen.Choose(0, 20000)
            select (d, Math.Pow(10, e1 / 1000.0), Math.Pow(10, e2 / 1000.0), c == 0 ? 0.0 : Math.Pow(10, -10 + (c / 2000.0)) * 2);
        Gen<(int D, double K1, double K2, double Omc)[]> batches =
            from n in Gen.Choose(1, 16)
            from items in Gen.ArrayOf(element, n)
            select items.Select(x => x with { D = items[0].D }).ToArray();
        Prop.ForAll(batches.ToArbitrary(), batch =>
        {
            bool holds = true;
            Backends.With(backend, context =>
            {
                int d = batch[0].D;
                double[] k1 = batch.Select(b => b.K1).ToArray();
                double[] k2 = batch.Select(b => b.K2).ToArray();
                double[] omc = batch.Select(b => Math.Min(2, b.Omc)).ToArray();
                double[] zeros = new double[k1.Length];
                double[] kl = new double[k1.Length];
                double[] self = new double[k1.Length];
                context.VonMisesFisherKlDivergence(k1, k2, omc, d, new VmfKlOutputs<double> { Divergence = kl });
                context.VonMisesFisherKlDivergence(k1, k1, zeros, d, new VmfKlOutputs<double> { Divergence = self });
                double[] elk12 = new double[k1.Length];
                double[] elk21 = new double[k1.Length];
                context.VonMisesFisherExpectedLikelihoodKernel(k1, k2, omc, d, 1.0, elk12);
                context.VonMisesFisherExpectedLikelihoodKernel(k2, k1, omc, d, 1.0, elk21);
                float[] kl32 = new float[k1.Length];
                context.VonMisesFisherKlDivergence(
                    k1.Select(k => (float)k).ToArray(), k2.Select(k => (float)k).ToArray(), omc.Select(c => (float)c).ToArray(), d,
                    new VmfKlOutputs<float> { Divergence = kl32 });
                for (int i = 0; i < k1.Length; i++)
                {
                    double elkScale = VmfPairTable.ElkScale(d, k1[i], k2[i], omc[i], 1.0);
                    holds &= self[i] == 0
                        && kl[i] >= -1e-12 * Math.Max(1, Math.Abs(kl[i]))
                        && kl32[i] >= -1e-5 * Math.Max(1, Math.Abs(kl32[i]))
                        && Math.Abs(elk12[i] - elk21[i]) <= 1e-12 * elkScale;
                }
            });
            return holds;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Backends.IsSlow(backend) ? 8 : 100).WithQuietOnSuccess(true));
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void OptionalOutputs_OnlyRequestedAreWritten(string backend) => Backends.With(backend, context =>
    {
        double[] k1 = [0, 1e-3, 0.5, 3, 40, 900, 2.5e4, 1e6];
        double[] k2 = [2, 0, 1e6, 3, 4, 9e3, 2.5e4, 10];
        double[] omc = [0, 1e-9, 0.3, 2, 1, 1e-4, 0, 0.5];
        double[][] all = Run<double, Real64>(context, k1, k2, omc, 300, 1.0);
        for (int q = 0; q < 3; q++)
        {
            double[] alone = Enumerable.Repeat(-12345.0, k1.Length + 3).ToArray();
            var outputs = new VmfKlOutputs<double>();
            if (q == 0) { outputs.Divergence = alone; } else if (q == 1) { outputs.DerivativeKappa1 = alone; } else { outputs.DerivativeKappa2 = alone; }
            context.VonMisesFisherKlDivergence(k1, k2, omc, 300, outputs);
            Assert.Equal(all[q], alone[..k1.Length]);
            Assert.All(alone[k1.Length..], v => Assert.Equal(-12345.0, v));
        }

        for (int q = 0; q < 2; q++)
        {
            double[] alone = Enumerable.Repeat(-12345.0, k1.Length + 3).ToArray();
            var outputs = new VmfLogDensityOutputs<double>();
            if (q == 0) { outputs.LogDensity = alone; } else { outputs.DerivativeKappa = alone; }
            context.VonMisesFisherLogDensity(k1, omc, 300, outputs);
            Assert.Equal(all[4 + q], alone[..k1.Length]);
            Assert.All(alone[k1.Length..], v => Assert.Equal(-12345.0, v));
        }

        foreach (double[] values in all)
        {
            Assert.All(values, v => Assert.True(double.IsFinite(v)));
        }

        // An empty batch writes nothing and needs no destination.
        context.VonMisesFisherKlDivergence(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty, 5, default);
        context.VonMisesFisherLogDensity(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, 5, default);
        context.VonMisesFisherExpectedLikelihoodKernel(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty, 5, 1.0, default);
    });

    /// <summary>
    /// The <c>uqk eval vmf-pair</c> / <c>uqk validate</c> cases of tests/data/eval/vmf_pair (cut from tests/data/vmf by
    /// tests/reference/make_vmf_pair_eval_cases.py) pass with the bounds <c>uqk validate</c> applies.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllBackends))]
    public void EvalCases_PassWithValidateTolerances(string backend) => Backends.With(backend, context =>
    {
        IReadOnlyList<ReferenceCase> cases = ReferenceCase.Load("vmf_pair");
        Assert.NotEmpty(cases);
        string[] names = ["kl", "dkl_dkappa1", "dkl_dkappa2", "elk", "log_density", "dlog_density_dkappa"];
        foreach (ReferenceCase reference in cases)
        {
            int d = reference.MetaInt("dim", 0);
            double rho = reference.MetaDouble("rho", 1);
            bool f64 = reference.DType == "f64";
            NpyArray k1 = reference.Input("kappa1");
            NpyArray k2 = reference.Input("kappa2");
            NpyArray omc = reference.Input("one_minus_cos");
            Assert.Equal(f64 ? NpyDType.Float64 : NpyDType.Float32, k1.DType);
            double[][] actual = f64
                ? Run<double, Real64>(context, k1.As<double>().ToArray(), k2.As<double>().ToArray(), omc.As<double>().ToArray(), d, rho)
                    .Select(v => v.ToArray()).ToArray()
                : Run<float, Real32>(context, k1.As<float>().ToArray(), k2.As<float>().ToArray(), omc.As<float>().ToArray(), d, (float)rho)
                    .Select(v => v.Select(x => (double)x).ToArray()).ToArray();
            Tolerance tolerance = f64 ? Tolerance.F64 : Tolerance.F32;
            double worst = 0;
            for (int q = 0; q < names.Length; q++)
            {
                worst = Math.Max(worst, tolerance.Worst(reference.Expected(names[q]), actual[q]).WorstRatio);
                tolerance.AssertClose(reference.Expected(names[q]), actual[q], $"{reference.Name}/{names[q]} on {backend}");
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{reference.Name} on {backend}: worst err/bound {worst:F3}"));
        }
    });

    // ------------------------------------------------------------------------------------------------------------
    // Argument validation
    // ------------------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void BadInput_ThrowsNamingTheArgument(string backend) => Backends.With(backend, context =>
    {
        double[] kl = new double[3];
        double[] k = [0.5, 1, 2];
        double[] omc = [0, 0.5, 2];
        double[] unit = [1, 0, 0, 0, 1, 0, 0, 0, 1];

        foreach (int d in new[] { int.MinValue, 0, 1, 65537 })
        {
            Assert.Equal("dimension", Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherKlDivergence(k, k, omc, d, new VmfKlOutputs<double> { Divergence = kl })).ParamName);
            Assert.Equal("dimension", Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherExpectedLikelihoodKernel(k, k, omc, d, 1.0, kl)).ParamName);
            Assert.Equal("dimension", Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherLogDensity(k, omc, d, new VmfLogDensityOutputs<double> { LogDensity = kl })).ParamName);
            Assert.Equal("dimension", Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherKlDivergence(unit, k, unit, k, d, new VmfKlOutputs<double> { Divergence = kl })).ParamName);
        }

        foreach (double bad in new[] { double.NaN, -1e-30, 1.0000001e6, double.PositiveInfinity })
        {
            double[] b = [1, 2, bad];
            float[] b32 = b.Select(v => (float)v).ToArray();
            float[] k32 = [0.5f, 1, 2];
            float[] omc32 = [0, 0.5f, 2];
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherKlDivergence(b, k, omc, 3, new VmfKlOutputs<double> { Divergence = kl }));
            Assert.Equal("kappa1", e.ParamName);
            Assert.Contains("kappa1[2]", e.Message, StringComparison.Ordinal);
            Assert.Equal("kappa2", Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherKlDivergence(k, b, omc, 3, new VmfKlOutputs<double> { Divergence = kl })).ParamName);
            Assert.Equal("kappa2", Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherKlDivergence(k32, b32, omc32, 3, new VmfKlOutputs<float> { Divergence = new float[3] })).ParamName);
            Assert.Equal("kappa1", Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherExpectedLikelihoodKernel(b, k, omc, 3, 1.0, kl)).ParamName);
            Assert.Equal("kappa", Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherLogDensity(b, omc, 3, new VmfLogDensityOutputs<double> { LogDensity = kl })).ParamName);
            Assert.Equal("kappa", Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherLogDensity(unit, b, unit, 3, new VmfLogDensityOutputs<double> { LogDensity = kl })).ParamName);
        }

        foreach (double bad in new[] { double.NaN, -1e-17, 2.0000001, double.PositiveInfinity })
        {
            double[] c = [0, bad, 1];
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherKlDivergence(k, k, c, 3, new VmfKlOutputs<double> { Divergence = kl }));
            Assert.Equal("oneMinusCosine", e.ParamName);
            Assert.Contains("oneMinusCosine[1]", e.Message, StringComparison.Ordinal);
            Assert.Equal("oneMinusCosine", Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherExpectedLikelihoodKernel(k, k, c, 3, 1.0, kl)).ParamName);
            Assert.Equal("oneMinusCosine", Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherLogDensity(k, c, 3, new VmfLogDensityOutputs<double> { LogDensity = kl })).ParamName);
        }

        foreach (double bad in new[] { double.NaN, 0, -1, 1.0000001, double.PositiveInfinity })
        {
            Assert.Equal("rho", Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherExpectedLikelihoodKernel(k, k, omc, 3, bad, kl)).ParamName);
            Assert.Equal("rho", Assert.Throws<ArgumentOutOfRangeException>(() => context.VonMisesFisherExpectedLikelihoodKernel(unit, k, unit, k, 3, bad, kl)).ParamName);
        }

        // Length mismatches.
        double[] two = [1, 2];
        Assert.Equal("kappa2", Assert.Throws<ArgumentException>(() => context.VonMisesFisherKlDivergence(k, two, omc, 3, new VmfKlOutputs<double> { Divergence = kl })).ParamName);
        Assert.Equal("oneMinusCosine", Assert.Throws<ArgumentException>(() => context.VonMisesFisherKlDivergence(k, k, two, 3, new VmfKlOutputs<double> { Divergence = kl })).ParamName);
        Assert.Equal("oneMinusCosine", Assert.Throws<ArgumentException>(() => context.VonMisesFisherLogDensity(k, two, 3, new VmfLogDensityOutputs<double> { LogDensity = kl })).ParamName);
        Assert.Equal("kappa2", Assert.Throws<ArgumentException>(() => context.VonMisesFisherExpectedLikelihoodKernel(k, two, omc, 3, 1.0, kl)).ParamName);
        Assert.Equal("mu1", Assert.Throws<ArgumentException>(() => context.VonMisesFisherKlDivergence(unit.AsSpan(0, 8), k, unit, k, 3, new VmfKlOutputs<double> { Divergence = kl })).ParamName);
        Assert.Equal("mu2", Assert.Throws<ArgumentException>(() => context.VonMisesFisherKlDivergence(unit, k, unit.AsSpan(0, 6), k, 3, new VmfKlOutputs<double> { Divergence = kl })).ParamName);
        Assert.Equal("mu", Assert.Throws<ArgumentException>(() => context.VonMisesFisherLogDensity(unit.AsSpan(0, 6), k, unit, 3, new VmfLogDensityOutputs<double> { LogDensity = kl })).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => context.VonMisesFisherLogDensity(unit, k, [.. unit, 0, 0, 1], 3, new VmfLogDensityOutputs<double> { LogDensity = kl })).ParamName);

        // Non-unit rows (named, with the row index), f64 and f32.
        double[] stretched = [.. unit];
        stretched[4] = 1 + 1e-6;
        var nonUnit = Assert.Throws<ArgumentException>(() => context.VonMisesFisherKlDivergence(stretched, k, unit, k, 3, new VmfKlOutputs<double> { Divergence = kl }));
        Assert.Equal("mu1", nonUnit.ParamName);
        Assert.Contains("row 1", nonUnit.Message, StringComparison.Ordinal);
        Assert.Equal("mu2", Assert.Throws<ArgumentException>(() => context.VonMisesFisherKlDivergence(unit, k, stretched, k, 3, new VmfKlOutputs<double> { Divergence = kl })).ParamName);
        Assert.Equal("mu2", Assert.Throws<ArgumentException>(() => context.VonMisesFisherExpectedLikelihoodKernel(unit, k, stretched, k, 3, 1.0, kl)).ParamName);
        Assert.Equal("mu", Assert.Throws<ArgumentException>(() => context.VonMisesFisherLogDensity(stretched, k, unit, 3, new VmfLogDensityOutputs<double> { LogDensity = kl })).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => context.VonMisesFisherLogDensity(unit, k, stretched, 3, new VmfLogDensityOutputs<double> { LogDensity = kl })).ParamName);
        double[] withNaN = [.. unit];
        withNaN[0] = double.NaN;
        Assert.Equal("mu1", Assert.Throws<ArgumentException>(() => context.VonMisesFisherKlDivergence(withNaN, k, unit, k, 3, new VmfKlOutputs<double> { Divergence = kl })).ParamName);
        float[] unit32 = unit.Select(v => (float)v).ToArray();
        float[] stretched32 = [.. unit32];
        stretched32[8] = 1.0001f;
        Assert.Equal("mu2", Assert.Throws<ArgumentException>(() => context.VonMisesFisherKlDivergence(
            unit32, [0.5f, 1, 2], stretched32, [0.5f, 1, 2], 3, new VmfKlOutputs<float> { Divergence = new float[3] })).ParamName);
        float[] slightly32 = [.. unit32];
        slightly32[8] = 1 + 1e-6f; // within the f32 unit tolerance: accepted
        context.VonMisesFisherKlDivergence(unit32, [0.5f, 1, 2], slightly32, [0.5f, 1, 2], 3, new VmfKlOutputs<float> { Divergence = new float[3] });

        // Outputs.
        Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => context.VonMisesFisherKlDivergence(k, k, omc, 3, default)).ParamName);
        Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => context.VonMisesFisherLogDensity(k, omc, 3, default)).ParamName);
        Assert.Equal("outputs.DerivativeKappa2", Assert.Throws<ArgumentException>(() => context.VonMisesFisherKlDivergence(
            k, k, omc, 3, new VmfKlOutputs<double> { Divergence = kl, DerivativeKappa2 = new double[2] })).ParamName);
        Assert.Equal("outputs.DerivativeKappa", Assert.Throws<ArgumentException>(() => context.VonMisesFisherLogDensity(
            k, omc, 3, new VmfLogDensityOutputs<double> { DerivativeKappa = new double[2] })).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => context.VonMisesFisherExpectedLikelihoodKernel(k, k, omc, 3, 1.0, new double[2])).ParamName);

        // Nothing was written by any rejected call.
        Assert.All(kl, v => Assert.Equal(0, v));
    });

    // ------------------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------------------

    private static T Exact<T, TReal>(double value)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T narrow = TReal.FromDouble(value);
        Assert.Equal(value, TReal.ToDouble(narrow)); // every reference input is exact in f32
        return narrow;
    }

    /// <summary>Every output of the cosine overloads: KL, ∂KL/∂κ₁, ∂KL/∂κ₂, ELK, log p (of κ₁), ∂ log p/∂κ.</summary>
    private static T[][] Run<T, TReal>(UqContext context, T[] k1, T[] k2, T[] omc, int d, T rho)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T[][] o = Enumerable.Range(0, 6).Select(_ => new T[k1.Length]).ToArray();
        if (k1 is double[] a1 && k2 is double[] a2 && omc is double[] c && o is double[][] r)
        {
            context.VonMisesFisherKlDivergence(a1, a2, c, d, new VmfKlOutputs<double> { Divergence = r[0], DerivativeKappa1 = r[1], DerivativeKappa2 = r[2] });
            context.VonMisesFisherExpectedLikelihoodKernel(a1, a2, c, d, TReal.ToDouble(rho), r[3]);
            context.VonMisesFisherLogDensity(a1, c, d, new VmfLogDensityOutputs<double> { LogDensity = r[4], DerivativeKappa = r[5] });
        }
        else if (k1 is float[] f1 && k2 is float[] f2 && omc is float[] fc && o is float[][] fr)
        {
            context.VonMisesFisherKlDivergence(f1, f2, fc, d, new VmfKlOutputs<float> { Divergence = fr[0], DerivativeKappa1 = fr[1], DerivativeKappa2 = fr[2] });
            context.VonMisesFisherExpectedLikelihoodKernel(f1, f2, fc, d, (float)TReal.ToDouble(rho), fr[3]);
            context.VonMisesFisherLogDensity(f1, fc, d, new VmfLogDensityOutputs<float> { LogDensity = fr[4], DerivativeKappa = fr[5] });
        }

        return o;
    }

    /// <summary>As <see cref="Run{T, TReal}"/>, through the unit-vector overloads (log p of x = μ₂ under vMF(μ₁, κ₁)).</summary>
    private static T[][] RunVectors<T, TReal>(UqContext context, T[] mu1, T[] mu2, T[] k1, T[] k2, int d, T rho)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T[][] o = Enumerable.Range(0, 6).Select(_ => new T[k1.Length]).ToArray();
        if (mu1 is double[] m1 && mu2 is double[] m2 && k1 is double[] a1 && k2 is double[] a2 && o is double[][] r)
        {
            context.VonMisesFisherKlDivergence(m1, a1, m2, a2, d, new VmfKlOutputs<double> { Divergence = r[0], DerivativeKappa1 = r[1], DerivativeKappa2 = r[2] });
            context.VonMisesFisherExpectedLikelihoodKernel(m1, a1, m2, a2, d, TReal.ToDouble(rho), r[3]);
            context.VonMisesFisherLogDensity(m1, a1, m2, d, new VmfLogDensityOutputs<double> { LogDensity = r[4], DerivativeKappa = r[5] });
        }
        else if (mu1 is float[] n1 && mu2 is float[] n2 && k1 is float[] f1 && k2 is float[] f2 && o is float[][] fr)
        {
            context.VonMisesFisherKlDivergence(n1, f1, n2, f2, d, new VmfKlOutputs<float> { Divergence = fr[0], DerivativeKappa1 = fr[1], DerivativeKappa2 = fr[2] });
            context.VonMisesFisherExpectedLikelihoodKernel(n1, f1, n2, f2, d, (float)TReal.ToDouble(rho), fr[3]);
            context.VonMisesFisherLogDensity(n1, f1, n2, d, new VmfLogDensityOutputs<float> { LogDensity = fr[4], DerivativeKappa = fr[5] });
        }

        return o;
    }

    /// <summary>A random unit vector and one at angle θ to it (θ exact up to the rounding of the components).</summary>
    private static (double[] A, double[] B) PairAtAngle(Random random, int d, double theta)
    {
        double[] a = Gaussian(random, d);
        Normalise(a);
        double[] v = Gaussian(random, d);
        double dot = a.Zip(v, (x, y) => x * y).Sum();
        for (int i = 0; i < d; i++)
        {
            v[i] -= dot * a[i];
        }

        Normalise(v);
        double c = Math.Cos(theta);
        double s = Math.Sin(theta);
        double[] b = a.Select((x, i) => (c * x) + (s * v[i])).ToArray();
        Normalise(b);
        return (a, b);
    }

    private static double[] Gaussian(Random random, int d) =>
        Enumerable.Range(0, d).Select(_ => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())).ToArray();

    private static void Normalise(double[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => x * x));
        for (int i = 0; i < v.Length; i++)
        {
            v[i] /= norm;
        }
    }

    /// <summary>Each row rounded to f32 (the rounded rows stay unit to ~1e−7 in ‖v‖², within the f32 tolerance).</summary>
    private static float[] Normalised(double[] rows, int d) => rows.Select(v => (float)v).ToArray();

    private static double HalfSquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double diff = a[i] - b[i];
            sum += diff * diff;
        }

        return sum / 2;
    }
}
