using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using UqKernels.IO;
using UqKernels.Tests.Infrastructure;

namespace UqKernels.Tests.Ranking;

/// <summary>
/// Selective-prediction metrics (uq_metrics.md §2.5, §4 invariants 2, 4, 5) against the numpy transcription in
/// tests/reference/make_selective_vectors.py. The metrics run on the CPU for every context, so the tests use the
/// managed backend (one test checks that an ILGPU context gives the same record).
/// </summary>
[Collection(BackendCollection.Name)]
public sealed class SelectivePredictionTests
{
    private const string Cpu = "cpu";

    /// <summary>
    /// AURC-family tolerance (spec §3: 1e−12): the references sum the same f64 terms in another order (numpy's pairwise
    /// sum; cumulative sums of per-element tie means instead of the closed form), so they differ by a few ulps of n terms.
    /// </summary>
    private const double AurcTolerance = 1e-12;

    private static string Root => Path.Combine(ReferenceCase.DataRoot, "ranking_selective", "selective");

    public static TheoryData<string> Cases
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string folder in Directory.GetDirectories(Root).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(folder));
            }

            return data;
        }
    }

    [Fact]
    public void ReferenceCases_ArePresent() => Assert.True(Cases.Count >= 12);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReferenceVectors_MatchNumpy(string name) => Backends.With(Cpu, context =>
    {
        string folder = Path.Combine(Root, name);
        float[] u = NpyArray.Read(Path.Combine(folder, "u.npy")).As<float>();
        float[] c = NpyArray.Read(Path.Combine(folder, "c.npy")).As<float>();
        JsonElement meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "meta.json"))).RootElement;
        double[] targets = [.. meta.GetProperty("targets").EnumerateArray().Select(e => e.GetDouble())];
        int startIndex = meta.GetProperty("start_index").GetInt32();
        foreach ((SelectiveTiePolicy policy, string key) in new[] { (SelectiveTiePolicy.TieAveraged, "tie_averaged"), (SelectiveTiePolicy.Stable, "stable") })
        {
            var options = new SelectivePredictionOptions { TiePolicy = policy, AccuracyTargets = targets, StartIndex = startIndex };
            SelectivePredictionResult single = context.SelectivePrediction(u, c, options);
            SelectivePredictionResult wide = context.SelectivePrediction(
                u.Select(v => (double)v).ToArray(), c.Select(v => (double)v).ToArray(), options);
            JsonElement expected = meta.GetProperty(key);
            foreach (SelectivePredictionResult result in new[] { single, wide })
            {
                string what = $"{name}/{key}";
                Assert.Equal(SelectivePredictionStatus.Ok, result.Status);
                Assert.Equal(u.Length, result.Count);
                AssertNear(expected, "aurc", result.Aurc, what);
                AssertNear(expected, "cumulative_abstinence_auc", result.CumulativeAbstinenceAuc, what);
                AssertNear(expected, "eaurc", result.Eaurc, what);
                AssertNear(expected, "oracle_aurc", result.OracleAurc, what);
                AssertNear(expected, "aulc", result.Aulc, what);
                AssertNear(expected, "raulc", result.RelativeAulc, what);
                AssertNear(expected, "error_rate", result.ErrorRate, what);
                AssertNear(expected, "accuracy", result.Accuracy, what);

                // Coverage compares prefix accuracies with α using the same arithmetic as the reference: exact.
                double[] parity = [.. expected.GetProperty("coverage_parity").EnumerateArray().Select(e => e.GetDouble())];
                double[] corrected = [.. expected.GetProperty("coverage_corrected").EnumerateArray().Select(e => e.GetDouble())];
                Assert.Equal(targets, result.Coverage.Select(v => v.Target));
                Assert.Equal(parity, result.Coverage.Select(v => v.Parity));
                Assert.Equal(corrected, result.Coverage.Select(v => v.Corrected));
            }

            // Same values, same order, same ties: the f32 (radix) and f64 (comparison) sorts give identical records.
            AssertSameMetrics(single, wide);
        }
    });

    [Fact]
    public void SpecWorkedExample_GivesTheVerifiedTieAveragedAurc() => Backends.With(Cpu, context =>
    {
        float[] u = [0.1f, 0.2f, 0.2f, 0.2f, 0.5f, 0.5f, 0.9f];
        float[] c = [1, 0, 1, 1, 0, 1, 0];
        SelectivePredictionResult r = context.SelectivePrediction(u, c);
        Assert.Equal(SelectiveTiePolicy.TieAveraged, r.TiePolicy);
        Assert.Equal(0.24297052154195012, r.Aurc, 1e-16);
        Assert.Equal(1 - r.Aurc, r.CumulativeAbstinenceAuc);
        Assert.Equal(3.0 / 7.0, r.ErrorRate);

        // Tie-averaged = the mean over every tie ordering (here 3!·2! = 12 orders, brute force with the stable policy).
        double sum = 0;
        int orders = 0;
        foreach (int[] first in Permutations([1, 2, 3]))
        {
            foreach (int[] second in Permutations([4, 5]))
            {
                int[] order = [0, .. first, .. second, 6];
                float[] permuted = [.. order.Select(i => c[i])];
                sum += context.SelectivePrediction(
                    [.. order.Select(i => u[i])], permuted, new SelectivePredictionOptions { TiePolicy = SelectiveTiePolicy.Stable }).Aurc;
                orders++;
            }
        }

        Assert.Equal(12, orders);
        Assert.Equal(sum / orders, r.Aurc, 1e-15);
    });

    [Fact]
    public void DiscreteOracle_MatchesTheHarmonicFormula() => Backends.With(Cpu, context =>
    {
        // n = 10, n_c = 5, ranked perfectly: AURC = (1/n)[(n − n_c) − n_c(H_n − H_{n_c})] = 0.17718; the continuous
        // oracle r + (1 − r)ln(1 − r) = 0.15343 is smaller, so E-AURC of the best possible ranking is 0.02375 > 0.
        double[] u = [.. Enumerable.Range(0, 10).Select(i => i / 10.0)];
        double[] c = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
        SelectivePredictionResult r = context.SelectivePrediction(u, c);
        double harmonic(int m) => Enumerable.Range(1, m).Sum(k => 1.0 / k);
        double exact = (5 - (5 * (harmonic(10) - harmonic(5)))) / 10;
        Assert.Equal(exact, r.Aurc, 1e-15);
        Assert.Equal(exact, r.OracleAurc, 1e-15);
        Assert.Equal(0.17718, r.Aurc, 5e-6);
        Assert.Equal(0.5 + (0.5 * Math.Log(0.5)), r.Aurc - r.Eaurc, 1e-15);
        Assert.Equal(0.15343, r.Aurc - r.Eaurc, 5e-6);
        Assert.True(r.Eaurc > 0.0237 && r.Eaurc < 0.0238, $"E-AURC {r.Eaurc}");
        Assert.Equal(1.0, r.RelativeAulc, 1e-15);

        // The reversed ranking is the worst one.
        SelectivePredictionResult worst = context.SelectivePrediction([.. u.Select(v => -v)], c);
        Assert.True(worst.Aurc > r.Aurc && worst.RelativeAulc < 0);
    });

    [Theory]
    [InlineData(SelectiveTiePolicy.TieAveraged)]
    [InlineData(SelectiveTiePolicy.Stable)]
    public void AllCorrectAndAllWrong_AreZeroAndOne(SelectiveTiePolicy policy) => Backends.With(Cpu, context =>
    {
        var options = new SelectivePredictionOptions { TiePolicy = policy };
        foreach (int n in new[] { 1, 2, 7, 300 })
        {
            float[] u = [.. Enumerable.Range(0, n).Select(i => (float)((i * 7919) % 13))];
            SelectivePredictionResult right = context.SelectivePrediction(u, Enumerable.Repeat(1f, n).ToArray(), options);
            Assert.Equal(0.0, right.Aurc);
            Assert.Equal(1.0, right.CumulativeAbstinenceAuc);
            Assert.Equal(0.0, right.Eaurc);
            Assert.Equal(0.0, right.OracleAurc);
            Assert.Equal(0.0, right.Aulc);
            Assert.True(double.IsNaN(right.RelativeAulc));
            Assert.All(right.Coverage, v => Assert.Equal((0.0, 1.0), (v.Parity, v.Corrected)));

            SelectivePredictionResult wrong = context.SelectivePrediction(u, new float[n], options);
            Assert.Equal(1.0, wrong.Aurc);
            Assert.Equal(0.0, wrong.Eaurc); // untangle gives NaN here (0·ln 0); the term is defined as 1
            Assert.Equal(1.0, wrong.ErrorRate);
            Assert.True(double.IsNaN(wrong.Aulc) && double.IsNaN(wrong.RelativeAulc));
            Assert.All(wrong.Coverage, v => Assert.Equal((0.0, 0.0), (v.Parity, v.Corrected)));
        }
    });

    [Fact]
    public void ConstantUncertainty_GivesTheErrorRateExactly() => Backends.With(Cpu, context =>
    {
        var random = new Random(5);
        for (int n = 1; n <= 400; n += 13)
        {
            float[] hard = [.. Enumerable.Range(0, n).Select(_ => (float)random.Next(2))];
            double[] soft = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble())];
            SelectivePredictionResult h = context.SelectivePrediction(Enumerable.Repeat(0.5f, n).ToArray(), hard);
            Assert.Equal(hard.Count(v => v == 0) / (double)n, h.Aurc);
            Assert.Equal(h.ErrorRate, h.Aurc);
            Assert.Equal(hard.Contains(1f) ? 0.0 : double.NaN, h.Aulc);
            SelectivePredictionResult s = context.SelectivePrediction(Enumerable.Repeat(-3.0, n).ToArray(), soft);
            Assert.Equal(s.ErrorRate, s.Aurc);
            Assert.Equal(soft.Sum(v => 1 - v) / n, s.Aurc, 1e-15);
            Assert.Equal(0.0, s.Aulc);
        }
    });

    [Fact]
    public void Coverage_ParityQuirksAndCorrectedMode() => Backends.With(Cpu, context =>
    {
        // Prefix accuracies 1, 1, 2/3, 3/4, 4/5, ... (one error at position 3, then all correct).
        double[] u = [.. Enumerable.Range(0, 20).Select(i => (double)i)];
        double[] c = [.. Enumerable.Range(0, 20).Select(i => i == 2 ? 0.0 : 1.0)];
        SelectivePredictionResult r = context.SelectivePrediction(
            u, c, new SelectivePredictionOptions { AccuracyTargets = [0.9, 0.5, 1.0], StartIndex = 5 });

        // α = 0.9: k* = 2 (a_2 = 2/3 < 0.9); from s0 = 5 on the first failing index is 9 (a_9 = 9/10 is not < 0.9;
        // a_5 = 5/6 < 0.9 ⇒ k*_ns = 5 = s0, not > s0) ⇒ parity 2/20. Corrected: the largest k with a_k ≥ 0.9 is k = 20.
        Assert.Equal(new SelectiveCoverage(0.9, 2.0 / 20, 1.0), r.Coverage[0]);

        // α = 0.5: never below ⇒ untangle's quirk returns 0; corrected 1.0.
        Assert.Equal(new SelectiveCoverage(0.5, 0.0, 1.0), r.Coverage[1]);

        // α = 1: first failure at index 2; from s0 = 5, index 5 fails ⇒ k*_ns = s0 ⇒ parity 2/20; corrected 2/20.
        Assert.Equal(new SelectiveCoverage(1.0, 2.0 / 20, 2.0 / 20), r.Coverage[2]);

        // The non-strict index wins when it is beyond s0. Errors at 0, 10, 11, 17, 18, 19 with α = 0.8, s0 = 5: k* = 0
        // (a_0 = 0), prefixes from index 5 on stay ≥ 0.8 until a_11 = 9/12 ⇒ k*_ns = 11 > s0 ⇒ parity 11/20. Corrected:
        // a at 17 elements is 14/17 ≥ 0.8, at 18 it is 14/18 < 0.8, at 20 it is 14/20 ⇒ 17/20.
        double[] c2 = [.. Enumerable.Range(0, 20).Select(i => i is 0 or 10 or 11 or 17 or 18 or 19 ? 0.0 : 1.0)];
        SelectivePredictionResult r2 = context.SelectivePrediction(
            u, c2, new SelectivePredictionOptions { AccuracyTargets = [0.8], StartIndex = 5 });
        Assert.Equal(new SelectiveCoverage(0.8, 11.0 / 20, 17.0 / 20), r2.Coverage[0]);

        // s0 ≥ n: only k* (untangle raises on the empty slice).
        SelectivePredictionResult r3 = context.SelectivePrediction(
            u, c2, new SelectivePredictionOptions { AccuracyTargets = [0.8], StartIndex = 20 });
        Assert.Equal(0.0, r3.Coverage[0].Parity);
        Assert.Empty(context.SelectivePrediction(u, c2, new SelectivePredictionOptions { AccuracyTargets = [] }).Coverage);
    });

    [Fact]
    public void NaNPolicies_ErrorPropagateOmit() => Backends.With(Cpu, context =>
    {
        float negativeNaN = BitConverter.UInt32BitsToSingle(0xFFC0_0000u);
        float[] u = [0.3f, float.NaN, 0.7f, negativeNaN, 0.5f, 0.1f];
        float[] c = [1, 0, 0, 1, 1, 0];
        ArgumentException error = Assert.Throws<ArgumentException>(() => context.SelectivePrediction(u, c));
        Assert.Equal("uncertainty", error.ParamName);
        Assert.Contains("uncertainty[1]", error.Message, StringComparison.Ordinal);

        SelectivePredictionResult propagated = context.SelectivePrediction(u, c, new SelectivePredictionOptions { NanPolicy = NanPolicy.Propagate });
        Assert.Equal(SelectivePredictionStatus.NaNPropagated, propagated.Status);
        Assert.Equal(6, propagated.Count);
        Assert.True(double.IsNaN(propagated.Aurc) && double.IsNaN(propagated.Eaurc) && double.IsNaN(propagated.RelativeAulc));
        Assert.All(propagated.Coverage, v => Assert.True(double.IsNaN(v.Parity) && double.IsNaN(v.Corrected)));

        var omit = new SelectivePredictionOptions { NanPolicy = NanPolicy.Omit };
        SelectivePredictionResult omitted = context.SelectivePrediction(u, c, omit);
        SelectivePredictionResult clean = context.SelectivePrediction([0.3f, 0.7f, 0.5f, 0.1f], [1, 0, 1, 0]);
        Assert.Equal(4, omitted.Count);
        AssertSameMetrics(clean, omitted);
        AssertSameMetrics(clean, context.SelectivePrediction(u.Select(v => (double)v).ToArray(), c.Select(v => (double)v).ToArray(), omit));

        SelectivePredictionResult empty = context.SelectivePrediction([float.NaN, float.NaN], [1f, 0f], omit);
        Assert.Equal(SelectivePredictionStatus.Empty, empty.Status);
        Assert.Equal(0, empty.Count);
        Assert.True(double.IsNaN(empty.Aurc));
    });

    [Fact]
    public void BadInput_ThrowsNamingTheArgument() => Backends.With(Cpu, context =>
    {
        Assert.Equal("uncertainty", Assert.Throws<ArgumentException>(() => context.SelectivePrediction(ReadOnlySpan<float>.Empty, [])).ParamName);
        Assert.Equal("uncertainty", Assert.Throws<ArgumentException>(() => context.SelectivePrediction(ReadOnlySpan<double>.Empty, [])).ParamName);
        Assert.Equal("correct", Assert.Throws<ArgumentException>(() => context.SelectivePrediction([1f, 2f], [1f])).ParamName);
        ArgumentException nan = Assert.Throws<ArgumentException>(() => context.SelectivePrediction([1.0, 2.0], [1.0, double.NaN]));
        Assert.Equal("correct", nan.ParamName);
        Assert.Contains("correct[1]", nan.Message, StringComparison.Ordinal);
        Assert.Equal("correct", Assert.Throws<ArgumentOutOfRangeException>(() => context.SelectivePrediction([1f, 2f], [1f, 1.5f])).ParamName);
        Assert.Equal("correct", Assert.Throws<ArgumentOutOfRangeException>(() => context.SelectivePrediction([1.0], [-0.1])).ParamName);
        Assert.Equal("correct", Assert.Throws<ArgumentOutOfRangeException>(() => context.SelectivePrediction([1f], [float.PositiveInfinity])).ParamName);

        void Options(SelectivePredictionOptions options, string name) =>
            Assert.Equal(name, Assert.Throws<ArgumentOutOfRangeException>(() => context.SelectivePrediction([1f, 2f], [1f, 0f], options)).ParamName);
        Options(new SelectivePredictionOptions { AccuracyTargets = [0.0] }, "AccuracyTargets");
        Options(new SelectivePredictionOptions { AccuracyTargets = [0.9, 1.01] }, "AccuracyTargets");
        Options(new SelectivePredictionOptions { AccuracyTargets = [double.NaN] }, "AccuracyTargets");
        Options(new SelectivePredictionOptions { AccuracyTargets = [-0.5] }, "AccuracyTargets");
        Options(new SelectivePredictionOptions { StartIndex = -1 }, "StartIndex");
        Options(new SelectivePredictionOptions { TiePolicy = (SelectiveTiePolicy)9 }, "TiePolicy");
        Options(new SelectivePredictionOptions { NanPolicy = (NanPolicy)9 }, "NanPolicy");
        Assert.Equal(1.0, context.SelectivePrediction([1f, 2f], [1f, 1f], new SelectivePredictionOptions { AccuracyTargets = [1.0] }).Coverage[0].Corrected);
        Assert.Throws<ArgumentNullException>(() => UqOps.SelectivePrediction(null!, [1f], [1f]));
    });

    [Fact]
    public void IlgpuContext_GivesTheSameRecord()
    {
        float[] u = [0.1f, 0.2f, 0.2f, 0.2f, 0.5f, 0.5f, 0.9f];
        float[] c = [1, 0, 1, 1, 0, 1, 0];
        SelectivePredictionResult? cpu = null;
        Backends.With(Cpu, context => cpu = context.SelectivePrediction(u, c));
        Backends.With("ilgpu-cpu", context => AssertSameMetrics(cpu!, context.SelectivePrediction(u, c)));
    }

    /// <summary>Small tied samples: u on an 11-value grid plus occasional ±∞/−0, c hard or soft.</summary>
    private static Gen<(float[] U, float[] C)> Samples =>
        from n in Gen.Choose(1, 80)
        from u in Gen.ArrayOf(Gen.Frequency(
            (20, Gen.Choose(-5, 5).Select(v => v * 0.5f)),
            (1, Gen.Elements(float.PositiveInfinity, float.NegativeInfinity, -0f))), n)
        from soft in Gen.Elements(false, true)
        from c in Gen.ArrayOf(soft ? Gen.Choose(0, 1000).Select(v => v / 1000f) : Gen.Choose(0, 1).Select(v => (float)v), n)
        select (u, c);

    [Fact]
    public void Properties_HoldWithTies() => Backends.With(Cpu, context =>
    {
        int trial = 0;
        Prop.ForAll(Samples.ToArbitrary(), sample =>
        {
            (float[] u, float[] c) = sample;
            int n = u.Length;
            bool hard = c.All(v => v is 0 or 1);
            SelectivePredictionResult r = context.SelectivePrediction(u, c);

            // §4.4 permutation invariance of the tie-averaged metrics (exact for hard c: every sum is an integer).
            var random = new Random(trial++);
            int[] permutation = [.. Enumerable.Range(0, n).OrderBy(_ => random.Next())];
            SelectivePredictionResult shuffled = context.SelectivePrediction(
                [.. permutation.Select(i => u[i])], [.. permutation.Select(i => c[i])]);
            bool permutationHolds = hard
                ? SameMetrics(r, shuffled)
                : Near(r.Aurc, shuffled.Aurc) && Near(r.Aulc, shuffled.Aulc) && Near(r.RelativeAulc, shuffled.RelativeAulc)
                    && Near(r.Eaurc, shuffled.Eaurc);

            // §4.2 monotone invariance: u·2^k and a negative shift of the exponent keep order and ties, both policies.
            bool monotoneHolds = true;
            foreach (SelectiveTiePolicy policy in new[] { SelectiveTiePolicy.TieAveraged, SelectiveTiePolicy.Stable })
            {
                var options = new SelectivePredictionOptions { TiePolicy = policy };
                SelectivePredictionResult a = context.SelectivePrediction(u, c, options);
                monotoneHolds &= SameMetrics(a, context.SelectivePrediction([.. u.Select(v => v * 1024f)], c, options))
                    && SameMetrics(a, context.SelectivePrediction([.. u.Select(v => v / 64f)], c, options));
            }

            // §4.5 constant u ⇒ AURC = error rate exactly.
            SelectivePredictionResult constant = context.SelectivePrediction(new float[n], c);
            bool constantHolds = constant.Aurc == constant.ErrorRate && Near(constant.ErrorRate, c.Sum(v => 1.0 - v) / n);

            // Bounds: 0 ≤ oracle AURC ≤ AURC ≤ 1; stable = tie-averaged when u has no ties.
            bool bounds = r.OracleAurc <= r.Aurc + 1e-15 && r.Aurc >= 0 && r.Aurc <= 1;
            if (u.Distinct().Count() == n && !u.Contains(0f))
            {
                bounds &= SameMetrics(r, context.SelectivePrediction(u, c, new SelectivePredictionOptions { TiePolicy = SelectiveTiePolicy.Stable }));
            }

            return permutationHolds && monotoneHolds && constantHolds && bounds;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true));
    });

    private static bool Near(double a, double b) => (double.IsNaN(a) && double.IsNaN(b)) || Math.Abs(a - b) <= 1e-13;

    private static bool SameMetrics(SelectivePredictionResult a, SelectivePredictionResult b) =>
        a.Count == b.Count && a.Status == b.Status
        && a.Aurc.Equals(b.Aurc) && a.CumulativeAbstinenceAuc.Equals(b.CumulativeAbstinenceAuc) && a.Eaurc.Equals(b.Eaurc)
        && a.OracleAurc.Equals(b.OracleAurc) && a.Aulc.Equals(b.Aulc) && a.RelativeAulc.Equals(b.RelativeAulc)
        && a.Accuracy.Equals(b.Accuracy) && a.ErrorRate.Equals(b.ErrorRate) && a.Coverage.SequenceEqual(b.Coverage);

    private static void AssertSameMetrics(SelectivePredictionResult expected, SelectivePredictionResult actual) =>
        Assert.True(SameMetrics(expected, actual), $"expected {expected} with coverage [{string.Join(", ", expected.Coverage)}], got {actual} with [{string.Join(", ", actual.Coverage)}]");

    private static void AssertNear(JsonElement expected, string key, double actual, string what)
    {
        JsonElement e = expected.GetProperty(key);
        if (e.ValueKind == JsonValueKind.Null)
        {
            Assert.True(double.IsNaN(actual), $"{what} {key}: expected NaN, got {actual:R}");
            return;
        }

        double value = e.GetDouble();
        Assert.True(Math.Abs(actual - value) <= AurcTolerance, $"{what} {key}: expected {value:R}, got {actual:R} (|Δ| = {Math.Abs(actual - value):E2})");
    }

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (int i = 0; i < items.Length; i++)
        {
            int[] rest = [.. items.Take(i), .. items.Skip(i + 1)];
            foreach (int[] tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }
}
