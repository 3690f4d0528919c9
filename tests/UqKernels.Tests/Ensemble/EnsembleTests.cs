using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using UqKernels.Kernels.Ensemble;
using UqKernels.Kernels.Math;
using UqKernels.Tests.Infrastructure;

namespace UqKernels.Tests.Ensemble;

[Collection(BackendCollection.Name)]
public sealed class EnsembleTests
{
    /// <summary>
    /// MI, its difference form and the Bregman term in f32 (uq_metrics.md §1.8: "MI and EU (small values): absolute
    /// 1e−5 (f32)"): they are differences of O(ln C) quantities each carrying f32 rounding, so their absolute error is
    /// that of the terms, not of the (possibly tiny) result; the relative part is <see cref="Tolerance.F32"/>'s.
    /// </summary>
    private static readonly Tolerance EpistemicF32 = new(1e-5, 2e-6);

    /// <summary>The same outputs in f64 (§1.8: 1e−12 absolute for the f64 path).</summary>
    private static readonly Tolerance EpistemicF64 = new(1e-12, 1e-12);

    public static TheoryData<string> AllBackends => Backends.All;

    private static readonly string[] Epistemic = ["epistemic_kl", "epistemic_diff", "bregman"];

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ReferenceVectors_MatchMpmath_InBothLayouts(string backend) => Backends.With(backend, context =>
    {
        IReadOnlyList<ReferenceCase> cases = ReferenceCase.Load("ensemble");
        Assert.NotEmpty(cases);
        foreach (ReferenceCase reference in cases)
        {
            UqKernels.IO.NpyArray stored = reference.Input("logits");
            (int m, int b, int c) = (stored.Shape[0], stored.Shape[1], stored.Shape[2]);
            int[] labels = reference.Input("labels").ToInt32("labels");
            var options = new EnsembleOptions { IgnoreIndex = reference.MetaInt("ignore_index", -100) };
            bool f64 = reference.DType == "f64";
            foreach (EnsembleLayout layout in new[] { EnsembleLayout.MemberMajor, EnsembleLayout.SampleMajor })
            {
                EnsembleValues actual = reference.DType switch
                {
                    "f64" => EnsembleRunner.Run(context, Arrange(stored.As<double>(), m, b, c, layout), m, b, c, layout, labels, options),
                    "f16" => EnsembleRunner.Run(context, Arrange(stored.As<Half>(), m, b, c, layout), m, b, c, layout, labels, options),
                    "bf16" => EnsembleRunner.Run(context, Arrange(stored.Reinterpret<BFloat16>(), m, b, c, layout), m, b, c, layout, labels, options),
                    _ => EnsembleRunner.Run(context, Arrange(stored.As<float>(), m, b, c, layout), m, b, c, layout, labels, options),
                };
                foreach (string name in EnsembleValues.FloatOutputNames)
                {
                    Tolerance tolerance = Epistemic.Contains(name)
                        ? (f64 ? EpistemicF64 : EpistemicF32)
                        : (f64 ? Tolerance.F64 : Tolerance.F32);
                    tolerance.AssertClose(reference.Expected(name), actual[name], $"{reference.Name}/{name} ({layout}) on {backend}");
                }

                AssertArgMaxAmongMaxima(
                    reference.Input("argmax_bma").ToInt32("argmax_bma"),
                    EnsembleOracle.BmaMaxima(stored.ToFloat64(), m, b, c),
                    actual.ArgMaxBma,
                    $"{reference.Name} ({layout}) on {backend}");
            }
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void WorkedExample_MatchesSpec(string backend) => Backends.With(backend, context =>
    {
        // uq_metrics.md §1.4: M = 2, C = 3, member logits [2,0,0] and [0,2,0]; p̃ = [0.4223188, 0.4223188, 0.1553624].
        double[] x = [2, 0, 0, 0, 2, 0];
        EnsembleValues f64 = EnsembleRunner.Run(context, x, 2, 1, 3, EnsembleLayout.MemberMajor, [2]);
        EnsembleValues f32 = EnsembleRunner.Run(
            context, x.Select(v => (float)v).ToArray(), 2, 1, 3, EnsembleLayout.SampleMajor, [2]);
        foreach ((EnsembleValues values, Tolerance tolerance) in new[] { (f64, new Tolerance(1e-9, 0)), (f32, Tolerance.F32) })
        {
            tolerance.AssertClose([0.958471600], values["total"], "H(p̄)");
            tolerance.AssertClose([0.665572682], values["aleatoric"], "E[H]");
            tolerance.AssertClose([0.292898919], values["epistemic_kl"], "MI");
            tolerance.AssertClose([0.292898919], values["epistemic_diff"], "MI difference form");
            tolerance.AssertClose([0.377549962], values["bregman"], "EU Bregman");
            Assert.Equal(0.4223188, values["msp_dual"][0], 1e-7);
            Assert.Equal(-Math.Log(0.1553624), values["nll_dual"][0], 1e-6);
            double[] pTilde = [0.4223188, 0.4223188, 0.1553624];
            Assert.Equal(-pTilde.Sum(p => p * Math.Log(p)), values["dual_entropy"][0], 1e-6);
            // p̄_0 = p̄_1 exactly in real arithmetic; the members' normalisers are sums of the same terms in different
            // orders, so rounding may separate the tie either way.
            Assert.Contains(values.ArgMaxBma[0], new[] { 0, 1 });
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Decomposition_Properties_HoldForRandomEnsembles(string backend)
    {
        // uq_metrics.md §4 item 9 (total = aleatoric + MI; KL and difference forms agree; 0 ≤ MI ≤ min(ln M, H(p̄));
        // E[H] ≤ H(p̄)), Bregman ≥ 0, agreement with a plain f64 oracle, member-permutation invariance and layout
        // equivalence, on f64; and the rounded bounds on the same values in f32 (MI ≥ −1e−6).
        Gen<RandomEnsemble> ensembles = RandomEnsemble.Generator(maxMembers: 5, maxClasses: 24, maxBatch: 3);
        Prop.ForAll(ensembles.ToArbitrary(), e =>
        {
            bool holds = true;
            Backends.With(backend, context =>
            {
                EnsembleValues mm = EnsembleRunner.Run(context, e.Logits, e.M, e.B, e.C, EnsembleLayout.MemberMajor, e.Labels);
                double[] sampleMajor = Arrange(e.Logits, e.M, e.B, e.C, EnsembleLayout.SampleMajor);
                EnsembleValues sm = EnsembleRunner.Run(context, sampleMajor, e.M, e.B, e.C, EnsembleLayout.SampleMajor, e.Labels);
                EnsembleValues permuted = EnsembleRunner.Run(
                    context, e.PermuteMembers(), e.M, e.B, e.C, EnsembleLayout.MemberMajor, e.Labels);
                EnsembleValues f32 = EnsembleRunner.Run(
                    context, e.Logits.Select(v => (float)v).ToArray(), e.M, e.B, e.C, EnsembleLayout.MemberMajor, e.Labels);
                EnsembleValues oracle = EnsembleOracle.Compute(e.Logits, e.M, e.B, e.C, e.Labels);
                double lnM = Math.Log(e.M);
                for (int i = 0; i < e.B; i++)
                {
                    double total = mm["total"][i], aleatoric = mm["aleatoric"][i], kl = mm["epistemic_kl"][i];
                    holds &= Math.Abs(total - (aleatoric + kl)) <= 1e-10
                        && Math.Abs(kl - mm["epistemic_diff"][i]) <= 1e-10
                        && kl >= -1e-12 && kl <= Math.Min(lnM, total) + 1e-10
                        && aleatoric <= total + 1e-10
                        && mm["bregman"][i] >= -1e-12
                        && mm["var_probs"][i] >= 0 && mm["var_logits"][i] >= 0;
                    double total32 = f32["total"][i], kl32 = f32["epistemic_kl"][i];
                    holds &= kl32 >= -1e-6 && kl32 <= Math.Min(lnM, total32) + 1e-5
                        && Math.Abs(total32 - (f32["aleatoric"][i] + kl32)) <= 1e-5
                        && f32["aleatoric"][i] <= total32 + 1e-5
                        && f32["bregman"][i] >= -1e-6;
                }

                var close = new Tolerance(1e-10, 1e-10);
                foreach (string name in EnsembleValues.FloatOutputNames)
                {
                    holds &= mm[name].SequenceEqual(sm[name]);
                    for (int i = 0; i < e.B; i++)
                    {
                        holds &= close.Matches(permuted[name][i], mm[name][i]) && close.Matches(mm[name][i], oracle[name][i]);
                    }
                }

                int[][] maxima = EnsembleOracle.BmaMaxima(e.Logits, e.M, e.B, e.C);
                holds &= mm.ArgMaxBma.SequenceEqual(sm.ArgMaxBma)
                    && Enumerable.Range(0, e.B).All(i => maxima[i].Contains(mm.ArgMaxBma[i]) && maxima[i].Contains(permuted.ArgMaxBma[i]));
            });
            return holds;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Backends.IsSlow(backend) ? 12 : 100).WithQuietOnSuccess(true));
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void SingleMemberAndIdenticalMembers_HaveNoEpistemicUncertainty(string backend)
    {
        // uq_metrics.md §4 item 10: M identical members (or M = 1) ⇒ MI = 0, EU_Bregman = 0, variances 0,
        // p̄ = p̃ = p, H(p̄) = H(p̃) = E[H]. MI (KL form), Bregman and the variances are exactly 0 by construction
        // (every step is bit-identical to the single member); the rest match the single-model row statistics.
        Gen<(int M, int B, int C, double[] Base)> cases =
            from m in Gen.Elements(1, 2, 3, 4, 7)
            from b in Gen.Choose(1, 3)
            from c in Gen.Choose(1, 30)
            from row in Gen.ArrayOf(Gen.Choose(-400, 400).Select(v => v / 20.0), b * c)
            select (m, b, c, row);
        Prop.ForAll(cases.ToArbitrary(), sample =>
        {
            bool holds = true;
            Backends.With(backend, context =>
            {
                (int m, int b, int c, double[] single) = sample;
                double[] stacked = [.. Enumerable.Repeat(single, m).SelectMany(r => r)];
                int[] labels = Enumerable.Range(0, b).Select(i => (i * 7) % c).ToArray();
                EnsembleValues f64 = EnsembleRunner.Run(context, stacked, m, b, c, EnsembleLayout.MemberMajor, labels);
                EnsembleValues f32 = EnsembleRunner.Run(
                    context, stacked.Select(v => (float)v).ToArray(), m, b, c, EnsembleLayout.MemberMajor, labels);
                Entropy.RowStatisticsValues row = Entropy.RowStatisticsRunner.Run(context, single, new MatrixShape(b, c), labels);
                foreach ((EnsembleValues values, double tolerance) in new[] { (f64, 1e-12), (f32, 2e-6) })
                {
                    for (int i = 0; i < b; i++)
                    {
                        double entropy = row.Entropy[i];
                        holds &= values["epistemic_kl"][i] == 0 && values["bregman"][i] == 0
                            && values["var_probs"][i] == 0 && values["var_logits"][i] == 0
                            && Near(values["total"][i], entropy, tolerance) && Near(values["aleatoric"][i], entropy, tolerance)
                            && Near(values["dual_entropy"][i], entropy, tolerance)
                            && Math.Abs(values["epistemic_diff"][i]) <= tolerance * (1 + entropy)
                            && Near(values["msp_bma"][i], row.Msp[i], tolerance) && Near(values["msp_dual"][i], row.Msp[i], tolerance)
                            && Near(values["expected_msp"][i], row.Msp[i], tolerance)
                            && Near(values["nll_bma"][i], row.Nll[i], tolerance) && Near(values["nll_dual"][i], row.Nll[i], tolerance)
                            && values.ArgMaxBma[i] == row.ArgMax[i];
                    }
                }
            });
            return holds;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Backends.IsSlow(backend) ? 10 : 60).WithQuietOnSuccess(true));
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ClassSweep_CrossesEverySimdWidthAndBlock(string backend) => Backends.With(backend, context =>
    {
        // C = 1..40 plus the SIMD/block boundaries of the CPU path (1024-class blocks) against the f64 oracle.
        IEnumerable<int> widths = Enumerable.Range(1, 40).Concat(Backends.IsSlow(backend)
            ? new[] { 63, 64, 65, 129 }
            : new[] { 63, 64, 65, 255, 257, 1023, 1024, 1025, 2049, 4097 });
        var random = new Random(20261123);
        foreach (int c in widths)
        {
            const int M = 3, B = 2;
            double[] logits = Enumerable.Range(0, M * B * c).Select(_ => (random.NextDouble() * 12) - 6).ToArray();
            int[] labels = [c - 1, c / 2];
            EnsembleValues actual = EnsembleRunner.Run(context, logits, M, B, c, EnsembleLayout.SampleMajor, labels);
            EnsembleValues expected = EnsembleOracle.Compute(Arrange(logits, M, B, c, EnsembleLayout.SampleMajor, inverse: true), M, B, c, labels);
            foreach (string name in EnsembleValues.FloatOutputNames)
            {
                new Tolerance(1e-11, 1e-11).AssertClose(expected[name], actual[name], $"{name} C={c} on {backend}");
            }

            AssertArgMaxAmongMaxima(
                expected.ArgMaxBma, EnsembleOracle.BmaMaxima(Arrange(logits, M, B, c, EnsembleLayout.SampleMajor, inverse: true), M, B, c),
                actual.ArgMaxBma, $"C={c} on {backend}");
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void InvalidMemberRows_MakeOnlyTheirSampleNaN(string backend) => Backends.With(backend, context =>
    {
        // Samples 1..3 each have one bad member row (NaN, +∞, all −∞); samples 0 and 4 must equal a clean run.
        const int M = 3, B = 5, C = 4;
        var random = new Random(5);
        float[] clean = Enumerable.Range(0, M * B * C).Select(_ => (float)((random.NextDouble() * 8) - 4)).ToArray();
        float[] dirty = (float[])clean.Clone();
        dirty[Index(1, 1, 2)] = float.NaN;
        dirty[Index(0, 2, 0)] = float.PositiveInfinity;
        for (int c = 0; c < C; c++)
        {
            dirty[Index(2, 3, c)] = float.NegativeInfinity;
        }

        int[] labels = [0, 1, 2, 3, -100];
        EnsembleValues good = EnsembleRunner.Run(context, clean, M, B, C, EnsembleLayout.MemberMajor, labels);
        EnsembleValues bad = EnsembleRunner.Run(context, dirty, M, B, C, EnsembleLayout.MemberMajor, labels);
        foreach (string name in EnsembleValues.FloatOutputNames)
        {
            foreach (int sample in new[] { 1, 2, 3 })
            {
                Assert.True(double.IsNaN(bad[name][sample]), $"{name}[{sample}] should be NaN");
            }

            foreach (int sample in new[] { 0, 4 })
            {
                Assert.Equal(good[name][sample], bad[name][sample]);
            }
        }

        Assert.Equal([good.ArgMaxBma[0], -1, -1, -1, good.ArgMaxBma[4]], bad.ArgMaxBma);
        Assert.True(double.IsNaN(good["nll_bma"][4]) && double.IsNaN(good["nll_dual"][4]), "ignored label gives NaN NLLs");
        Assert.False(double.IsNaN(good["total"][4]));

        static int Index(int member, int sample, int c) => (((member * B) + sample) * C) + c;
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void NegativeInfinityLogits_HaveProbabilityZero(string backend) => Backends.With(backend, context =>
    {
        // Sample 0: class 2 is −∞ in every member (a masked class); sample 1: class 1 is −∞ in member 0 only.
        double inf = double.PositiveInfinity;
        double[] logits =
        [
            1, 2, -inf, 0.5,   0.3, -inf, 1, 2,
            2, 1, -inf, 0,     0.3, 0.7, 1, 2,
        ];
        EnsembleValues values = EnsembleRunner.Run(context, logits, 2, 2, 4, EnsembleLayout.MemberMajor, [2, 1]);
        double[] masked = [1, 2, 0.5, 2, 1, 0];
        EnsembleValues reduced = EnsembleRunner.Run(context, masked, 2, 1, 3, EnsembleLayout.MemberMajor, [0]);
        foreach (string name in new[] { "total", "aleatoric", "epistemic_kl", "dual_entropy", "bregman", "expected_msp", "msp_bma", "msp_dual" })
        {
            Assert.Equal(reduced[name][0], values[name][0], 1e-14);
        }

        Assert.Equal(inf, values["nll_bma"][0]);
        Assert.Equal(inf, values["nll_dual"][0]);
        Assert.Equal(inf, values["nll_dual"][1]);
        Assert.True(double.IsFinite(values["nll_bma"][1]), "p̄_1 > 0 because member 1 gives class 1 mass");
        Assert.True(double.IsNaN(values["var_logits"][0]) && double.IsNaN(values["var_logits"][1]), "torch.var semantics");
        Assert.True(values["epistemic_kl"][1] > 0 && double.IsFinite(values["bregman"][1]));
        Assert.Equal(values["epistemic_kl"][1], values["epistemic_diff"][1], 1e-12);
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void HalfAndBFloat16_MatchF32OnTheSameValues(string backend) => Backends.With(backend, context =>
    {
        var random = new Random(11);
        const int M = 3, B = 4, C = 19;
        Half[] halves = Enumerable.Range(0, M * B * C).Select(_ => (Half)((random.NextDouble() * 20) - 10)).ToArray();
        BFloat16[] brains = halves.Select(h => (BFloat16)(float)h).ToArray();
        int[] labels = [0, 5, 18, -100];
        EnsembleValues fromHalf = EnsembleRunner.Run(context, halves, M, B, C, EnsembleLayout.SampleMajor, labels);
        EnsembleValues fromF32OfHalf = EnsembleRunner.Run(
            context, halves.Select(h => (float)h).ToArray(), M, B, C, EnsembleLayout.SampleMajor, labels);
        EnsembleValues fromBf16 = EnsembleRunner.Run(context, brains, M, B, C, EnsembleLayout.SampleMajor, labels);
        EnsembleValues fromF32OfBf16 = EnsembleRunner.Run(
            context, brains.Select(b => b.ToSingle()).ToArray(), M, B, C, EnsembleLayout.SampleMajor, labels);
        foreach (string name in EnsembleValues.FloatOutputNames)
        {
            Assert.Equal(fromF32OfHalf[name], fromHalf[name]);
            Assert.Equal(fromF32OfBf16[name], fromBf16[name]);
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Temperature_ScalesEveryMembersLogits(string backend) => Backends.With(backend, context =>
    {
        var random = new Random(3);
        const int M = 4, B = 3, C = 9;
        double[] logits = Enumerable.Range(0, M * B * C).Select(_ => (random.NextDouble() * 10) - 5).ToArray();
        int[] labels = [1, 2, 3];
        EnsembleValues scaled = EnsembleRunner.Run(
            context, logits, M, B, C, EnsembleLayout.MemberMajor, labels, new EnsembleOptions { Temperature = 2.5 });
        EnsembleValues expected = EnsembleOracle.Compute(logits.Select(v => v / 2.5).ToArray(), M, B, C, labels);
        foreach (string name in EnsembleValues.FloatOutputNames)
        {
            new Tolerance(1e-12, 1e-12).AssertClose(expected[name], scaled[name], name);
        }
    });

    [Fact]
    public void BadInput_IsRejected_WithTheArgumentNamed() => Backends.With("cpu", context =>
    {
        float[] logits = new float[2 * 3 * 4];
        float[] total = new float[3];
        void Run(int m, int b, int c, int[]? labels, EnsembleOutputs<float> outputs, EnsembleOptions? options = null,
            EnsembleLayout layout = EnsembleLayout.SampleMajor) =>
            context.EnsembleDecomposition(logits, m, b, c, layout, labels, outputs, options);

        string? Name<TException>(Action action)
            where TException : Exception => Assert.Throws<TException>(action) switch
            {
                ArgumentException e => e.ParamName,
                _ => null,
            };

        Assert.Equal("members", Name<ArgumentOutOfRangeException>(() => Run(0, 3, 4, null, new() { Total = total })));
        Assert.Equal("batch", Name<ArgumentOutOfRangeException>(() => Run(2, -1, 4, null, new() { Total = total })));
        Assert.Equal("classes", Name<ArgumentOutOfRangeException>(() => Run(2, 3, 0, null, new() { Total = total })));
        Assert.Equal("logits", Name<ArgumentException>(() => Run(2, 3, 3, null, new() { Total = total })));
        Assert.Equal("logits", Name<ArgumentException>(() => Run(3, 3, 4, null, new() { Total = total })));
        Assert.Equal("logits", Name<ArgumentException>(() => Run(int.MaxValue, int.MaxValue, int.MaxValue, null, new() { Total = total })));
        Assert.Equal("layout", Name<ArgumentOutOfRangeException>(
            () => Run(2, 3, 4, null, new() { Total = total }, layout: (EnsembleLayout)7)));
        Assert.Equal("labels", Name<ArgumentOutOfRangeException>(() => Run(2, 3, 4, [0, 4, 1], new() { NllBma = total })));
        Assert.Equal("labels", Name<ArgumentOutOfRangeException>(() => Run(2, 3, 4, [0, -1, 1], new() { NllBma = total })));
        Assert.Equal("labels", Name<ArgumentException>(() => Run(2, 3, 4, [0, 1], new() { NllBma = total })));
        Assert.Equal("labels", Name<ArgumentException>(() => Run(2, 3, 4, null, new() { NllDual = total })));
        Assert.Equal("outputs", Name<ArgumentException>(() => Run(2, 3, 4, null, default)));
        Assert.Equal("outputs.Total", Name<ArgumentException>(() => Run(2, 3, 4, null, new() { Total = new float[2] })));
        Assert.Equal("outputs.ArgMaxBma", Name<ArgumentException>(() => Run(2, 3, 4, null, new() { ArgMaxBma = new int[1] })));
        Assert.Equal("Temperature", Name<ArgumentOutOfRangeException>(
            () => Run(2, 3, 4, null, new() { Total = total }, new() { Temperature = 0 })));
        Assert.Equal("Temperature", Name<ArgumentOutOfRangeException>(
            () => Run(2, 3, 4, null, new() { Total = total }, new() { Temperature = double.PositiveInfinity })));

        // A custom ignore index is accepted as a label; other out-of-range labels are not.
        Run(2, 3, 4, [0, 99, 1], new() { NllBma = total }, new() { IgnoreIndex = 99 });
        Assert.True(float.IsNaN(total[1]));
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void OnlyRequestedOutputs_AreWritten(string backend) => Backends.With(backend, context =>
    {
        float[] logits = [1, 2, 3, 3, 2, 1];
        float[] bregman = [42f];
        int[] argMax = [42];
        context.EnsembleDecomposition(logits, 2, 1, 3, EnsembleLayout.MemberMajor, default, new() { Bregman = bregman, ArgMaxBma = argMax });
        Assert.True(bregman[0] > 0 && bregman[0] != 42f);
        Assert.Equal(0, argMax[0]);
    });

    /// <summary>
    /// The arg-max of p̄ must be the expected one, except where p̄ has several maxima within 1e−9 relative in f64
    /// (a real tie that rounding may split either way): then it must be one of them.
    /// </summary>
    private static void AssertArgMaxAmongMaxima(int[] expected, int[][] maxima, int[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                maxima[i].Length > 1 ? maxima[i].Contains(actual[i]) : actual[i] == expected[i],
                $"{what}: argmax_bma[{i}] = {actual[i]}, expected {expected[i]} (maxima {string.Join(",", maxima[i])})");
        }
    }

    private static bool Near(double actual, double expected, double tolerance) =>
        Math.Abs(actual - expected) <= tolerance * (1 + Math.Abs(expected));

    /// <summary>
    /// Re-lays member-major <c>[M,B,C]</c> data out in <paramref name="layout"/> (identity for member-major);
    /// with <paramref name="inverse"/>, turns <paramref name="layout"/> data back into member-major.
    /// </summary>
    private static T[] Arrange<T>(T[] memberMajor, int m, int b, int c, EnsembleLayout layout, bool inverse = false)
    {
        if (layout == EnsembleLayout.MemberMajor)
        {
            return memberMajor;
        }

        var result = new T[memberMajor.Length];
        for (int member = 0; member < m; member++)
        {
            for (int sample = 0; sample < b; sample++)
            {
                int memberMajorStart = ((member * b) + sample) * c;
                int sampleMajorStart = ((sample * m) + member) * c;
                Array.Copy(
                    memberMajor,
                    inverse ? sampleMajorStart : memberMajorStart,
                    result,
                    inverse ? memberMajorStart : sampleMajorStart,
                    c);
            }
        }

        return result;
    }
}

/// <summary>A random member-major ensemble: members share a base and differ by noise of a random scale.</summary>
public sealed record RandomEnsemble(int M, int B, int C, double[] Logits, int[] Labels, int[] Permutation)
{
    public static Gen<RandomEnsemble> Generator(int maxMembers, int maxClasses, int maxBatch) =>
        from m in Gen.Choose(1, maxMembers)
        from b in Gen.Choose(1, maxBatch)
        from c in Gen.Choose(1, maxClasses)
        from scale in Gen.Elements(0.0, 1e-3, 0.05, 1.0, 4.0)
        from baseValues in Gen.ArrayOf(Gen.Choose(-300, 300), b * c)
        from noise in Gen.ArrayOf(Gen.Choose(-1000, 1000), m * b * c)
        from labels in Gen.ArrayOf(Gen.Choose(0, c - 1), b)
        from keys in Gen.ArrayOf(Gen.Choose(0, 1 << 20), m)
        select new RandomEnsemble(
            m,
            b,
            c,
            Enumerable.Range(0, m * b * c).Select(i => (baseValues[i % (b * c)] / 20.0) + (scale * noise[i] / 1000.0)).ToArray(),
            labels,
            Enumerable.Range(0, m).OrderBy(i => keys[i]).ThenBy(i => i).ToArray());

    /// <summary>The logits with the members reordered by <see cref="Permutation"/>.</summary>
    public double[] PermuteMembers()
    {
        int row = B * C;
        var result = new double[Logits.Length];
        for (int member = 0; member < M; member++)
        {
            Array.Copy(Logits, Permutation[member] * row, result, member * row, row);
        }

        return result;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"M={M} B={B} C={C} logits=[{string.Join(", ", Logits.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]");
}

/// <summary>Every output of one ensemble call, widened to f64 and keyed by the reference-file names.</summary>
public sealed class EnsembleValues(Dictionary<string, double[]> outputs, int[] argMaxBma)
{
    /// <summary>The float outputs' reference-file names, in <see cref="EnsembleOutputs{T}"/> order.</summary>
    public static IReadOnlyList<string> FloatOutputNames { get; } =
    [
        "total", "aleatoric", "epistemic_kl", "epistemic_diff", "dual_entropy", "bregman", "expected_msp", "msp_bma",
        "msp_dual", "var_probs", "var_logits", "nll_bma", "nll_dual",
    ];

    public int[] ArgMaxBma { get; } = argMaxBma;

    public double[] this[string name] => outputs[name];
}

/// <summary>Runs the decomposition for every storage type with every output requested.</summary>
public static class EnsembleRunner
{
    public static EnsembleValues Run(
        UqContext context, float[] logits, int m, int b, int c, EnsembleLayout layout, int[]? labels, EnsembleOptions? options = null)
    {
        float[][] o = Buffers<float>(b);
        int[] argMax = new int[b];
        context.EnsembleDecomposition(logits, m, b, c, layout, labels, Outputs(o, argMax, labels is not null), options);
        return Widen(o, argMax, labels is not null);
    }

    public static EnsembleValues Run(
        UqContext context, double[] logits, int m, int b, int c, EnsembleLayout layout, int[]? labels, EnsembleOptions? options = null)
    {
        double[][] o = Buffers<double>(b);
        int[] argMax = new int[b];
        context.EnsembleDecomposition(logits, m, b, c, layout, labels, Outputs(o, argMax, labels is not null), options);
        return Widen(o, argMax, labels is not null);
    }

    public static EnsembleValues Run(
        UqContext context, Half[] logits, int m, int b, int c, EnsembleLayout layout, int[]? labels, EnsembleOptions? options = null)
    {
        float[][] o = Buffers<float>(b);
        int[] argMax = new int[b];
        context.EnsembleDecomposition(logits, m, b, c, layout, labels, Outputs(o, argMax, labels is not null), options);
        return Widen(o, argMax, labels is not null);
    }

    public static EnsembleValues Run(
        UqContext context, BFloat16[] logits, int m, int b, int c, EnsembleLayout layout, int[]? labels, EnsembleOptions? options = null)
    {
        float[][] o = Buffers<float>(b);
        int[] argMax = new int[b];
        context.EnsembleDecomposition(logits, m, b, c, layout, labels, Outputs(o, argMax, labels is not null), options);
        return Widen(o, argMax, labels is not null);
    }

    private static T[][] Buffers<T>(int b) =>
        Enumerable.Range(0, EnsembleValues.FloatOutputNames.Count).Select(_ => new T[b]).ToArray();

    private static EnsembleOutputs<T> Outputs<T>(T[][] o, int[] argMax, bool withLabels)
        where T : unmanaged => new()
    {
        Total = o[0], Aleatoric = o[1], EpistemicKl = o[2], EpistemicDifference = o[3], DualEntropy = o[4],
        Bregman = o[5], ExpectedMsp = o[6], MspBma = o[7], MspDual = o[8], VarianceProbabilities = o[9],
        VarianceLogits = o[10], NllBma = withLabels ? o[11] : default, NllDual = withLabels ? o[12] : default,
        ArgMaxBma = argMax,
    };

    private static EnsembleValues Widen<T>(T[][] o, int[] argMax, bool withLabels)
        where T : unmanaged
    {
        var outputs = new Dictionary<string, double[]>();
        for (int i = 0; i < o.Length; i++)
        {
            outputs[EnsembleValues.FloatOutputNames[i]] = i >= 11 && !withLabels
                ? Enumerable.Repeat(double.NaN, o[i].Length).ToArray()
                : o[i].Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray();
        }

        return new EnsembleValues(outputs, argMax);
    }
}

/// <summary>A plain float64 oracle of §1.4 (the reference generator's numpy formulas), for sweeps and properties.</summary>
public static class EnsembleOracle
{
    public static EnsembleValues Compute(double[] memberMajor, int m, int b, int c, int[]? labels, int ignoreIndex = -100)
    {
        var outputs = EnsembleValues.FloatOutputNames.ToDictionary(n => n, _ => new double[b]);
        int[] argMax = new int[b];
        for (int sample = 0; sample < b; sample++)
        {
            double[][] x = Enumerable.Range(0, m).Select(member => memberMajor.AsSpan(((member * b) + sample) * c, c).ToArray()).ToArray();
            double[] lse = x.Select(Lse).ToArray();
            double[][] logP = x.Select((row, member) => row.Select(v => v - lse[member]).ToArray()).ToArray();
            double[][] p = logP.Select(row => row.Select(Math.Exp).ToArray()).ToArray();
            double[] logPbar = Enumerable.Range(0, c).Select(k => Lse(logP.Select(row => row[k]).ToArray()) - Math.Log(m)).ToArray();
            double[] pbar = logPbar.Select(Math.Exp).ToArray();
            double[] xbar = Enumerable.Range(0, c).Select(k => x.Average(row => row[k])).ToArray();
            double lseBar = Lse(xbar);
            double[] pDual = xbar.Select(v => Math.Exp(v - lseBar)).ToArray();
            double total = -pbar.Select((v, k) => v * logPbar[k]).Sum();
            double aleatoric = p.Select((row, member) => -row.Select((v, k) => v * logP[member][k]).Sum()).Average();
            outputs["total"][sample] = total;
            outputs["aleatoric"][sample] = aleatoric;
            outputs["epistemic_kl"][sample] = p.Select((row, member) => row.Select((v, k) => v * (logP[member][k] - logPbar[k])).Sum()).Average();
            outputs["epistemic_diff"][sample] = total - aleatoric;
            outputs["dual_entropy"][sample] = -pDual.Select((v, k) => v * (xbar[k] - lseBar)).Sum();
            outputs["bregman"][sample] = lse.Average() - lseBar;
            outputs["expected_msp"][sample] = p.Average(row => row.Max());
            outputs["msp_bma"][sample] = pbar.Max();
            outputs["msp_dual"][sample] = pDual.Max();
            outputs["var_probs"][sample] = m == 1 ? 0 : Enumerable.Range(0, c).Average(k => Variance(p.Select(row => row[k]).ToArray()));
            outputs["var_logits"][sample] = m == 1 ? 0 : Enumerable.Range(0, c).Average(k => Variance(x.Select(row => row[k]).ToArray()));
            int y = labels is null ? ignoreIndex : labels[sample];
            outputs["nll_bma"][sample] = y == ignoreIndex ? double.NaN : -logPbar[y];
            outputs["nll_dual"][sample] = y == ignoreIndex ? double.NaN : lseBar - xbar[y];
            argMax[sample] = Array.IndexOf(pbar, pbar.Max());
        }

        return new EnsembleValues(outputs, argMax);
    }

    /// <summary>Per sample, the classes whose f64 <c>p̄_c</c> is within 1e−9 relative of the maximum.</summary>
    public static int[][] BmaMaxima(double[] memberMajor, int m, int b, int c)
    {
        var result = new int[b][];
        for (int sample = 0; sample < b; sample++)
        {
            double[] pbar = new double[c];
            for (int member = 0; member < m; member++)
            {
                double[] row = memberMajor.AsSpan(((member * b) + sample) * c, c).ToArray();
                double lse = Lse(row);
                for (int k = 0; k < c; k++)
                {
                    pbar[k] += Math.Exp(row[k] - lse) / m;
                }
            }

            double max = pbar.Max();
            result[sample] = Enumerable.Range(0, c).Where(k => pbar[k] >= max * (1 - 1e-9)).ToArray();
        }

        return result;
    }

    private static double Lse(double[] values)
    {
        double max = values.Max();
        return max + Math.Log(values.Sum(v => Math.Exp(v - max)));
    }

    private static double Variance(double[] values)
    {
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
    }
}
