using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using UqKernels.IO;
using UqKernels.Tests.Infrastructure;

namespace UqKernels.Tests.Ranking;

/// <summary>
/// Spearman (midrank and stable ordinal) and Pearson correlations (uq_metrics.md §2.7, §4 invariants 2 and 4) against
/// scipy 1.10.1. They run on the CPU for every context, so the tests use the managed backend.
/// </summary>
[Collection(BackendCollection.Name)]
public sealed class SpearmanTests
{
    private const string Cpu = "cpu";

    /// <summary>
    /// f64 from f64 ranks (spec §3 asks ~1e−12; kept tighter): our centred rank sums are exact and only the final
    /// division and square root round, while scipy's corrcoef rounds a few more times; measured |Δ| ≤ 1.2e−16.
    /// </summary>
    private const double SpearmanTolerance = 1e-14;

    /// <summary>Pearson on raw f32 values widened to f64: two-pass sums of n = 1000 terms in another order than scipy (measured |Δ| ≤ 1e−15).</summary>
    private const double PearsonTolerance = 1e-12;

    private static string Root => Path.Combine(ReferenceCase.DataRoot, "ranking_selective", "spearman");

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
    public void ReferenceCases_ArePresent() => Assert.True(Cases.Count >= 9);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReferenceVectors_MatchScipy(string name) => Backends.With(Cpu, context =>
    {
        string folder = Path.Combine(Root, name);
        float[] x = NpyArray.Read(Path.Combine(folder, "x.npy")).As<float>();
        float[] y = NpyArray.Read(Path.Combine(folder, "y.npy")).As<float>();
        double[] xw = [.. x.Select(v => (double)v)];
        double[] yw = [.. y.Select(v => (double)v)];
        JsonElement meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "meta.json"))).RootElement;

        CorrelationResult midrank = context.Spearman(x, y);
        Assert.Equal(midrank, context.Spearman(xw, yw));
        AssertCorrelation(meta, "spearman_midrank", midrank, SpearmanTolerance, name);

        CorrelationResult ordinal = context.Spearman(x, y, SpearmanRanks.OrdinalStable);
        Assert.Equal(ordinal, context.Spearman(xw, yw, SpearmanRanks.OrdinalStable));
        AssertCorrelation(meta, "spearman_ordinal_stable", ordinal, SpearmanTolerance, name);

        if (meta.GetProperty("pearson").ValueKind != JsonValueKind.Null || midrank.Status == CorrelationStatus.Constant)
        {
            CorrelationResult pearson = context.Pearson(x, y);
            Assert.Equal(pearson, context.Pearson(xw, yw));
            AssertCorrelation(meta, "pearson", pearson, PearsonTolerance, name);
        }
    });

    [Fact]
    public void HandExamples_MidrankVersusOrdinal() => Backends.With(Cpu, context =>
    {
        // x ties at positions 2..3: midranks 1, 2.5, 2.5, 4; ordinal (index order) 1, 2, 3, 4.
        double[] x = [1, 2, 2, 3];
        double[] y = [1, 3, 2, 4];
        Assert.Equal(0.9486832980505138, context.Spearman(x, y).Coefficient, 1e-15);  // scipy.stats.spearmanr
        Assert.Equal(0.8, context.Spearman(x, y, SpearmanRanks.OrdinalStable).Coefficient, 1e-15);
        Assert.Equal(1.0, context.Spearman([-0.0, 0.0, 1.0], [0.0, 0.0, 2.0]).Coefficient); // −0 ties +0
        Assert.Equal(-1.0, context.Spearman([float.NegativeInfinity, 0f, float.PositiveInfinity], [3f, 2f, 1f]).Coefficient);
        Assert.Equal(1.0, context.Pearson([1.0, 2.0, 3.0], [10.0, 20.0, 30.0]).Coefficient, 1e-15);
        Assert.Equal(3, context.Pearson([1f, 2f, 4f], [1f, 0f, 1f]).Count);
    });

    [Fact]
    public void ConstantOrTooShort_IsNaNWithStatus() => Backends.With(Cpu, context =>
    {
        foreach (CorrelationResult r in new[]
        {
            context.Spearman([2f, 2f, 2f], [1f, 2f, 3f]),
            context.Spearman([1.0, 2.0, 3.0], [-0.0, 0.0, 0.0]),
            context.Spearman([1f], [2f]),
            context.Pearson([5.0, 5.0], [1.0, 2.0]),
            context.Pearson([1f], [1f]),
        })
        {
            Assert.Equal(CorrelationStatus.Constant, r.Status);
            Assert.True(double.IsNaN(r.Coefficient));
        }

        Assert.Equal(-1.0, context.Spearman([1f, 2f], [3f, -4f]).Coefficient);
    });

    [Fact]
    public void NaNPolicies_ErrorPropagateOmit() => Backends.With(Cpu, context =>
    {
        float[] x = [1f, float.NaN, 3f, 4f, 5f];
        float[] y = [2f, 1f, float.NaN, 3f, 7f];
        ArgumentException errorX = Assert.Throws<ArgumentException>(() => context.Spearman(x, y));
        Assert.Equal("x", errorX.ParamName);
        Assert.Contains("x[1]", errorX.Message, StringComparison.Ordinal);
        ArgumentException errorY = Assert.Throws<ArgumentException>(() => context.Pearson([1.0, 2.0, 3.0], [1.0, 2.0, double.NaN]));
        Assert.Equal("y", errorY.ParamName);

        CorrelationResult propagated = context.Spearman(x, y, nanPolicy: NanPolicy.Propagate);
        Assert.Equal(CorrelationStatus.NaNPropagated, propagated.Status);
        Assert.True(double.IsNaN(propagated.Coefficient));
        Assert.Equal(5, propagated.Count);

        CorrelationResult omitted = context.Spearman(x, y, nanPolicy: NanPolicy.Omit);
        Assert.Equal(context.Spearman([1f, 4f, 5f], [2f, 3f, 7f]), omitted);
        Assert.Equal(3, omitted.Count);
        Assert.Equal(context.Pearson([1.0, 4.0, 5.0], [2.0, 3.0, 7.0]), context.Pearson([.. x.Select(v => (double)v)], [.. y.Select(v => (double)v)], NanPolicy.Omit));
        Assert.Equal(CorrelationStatus.Constant, context.Spearman([float.NaN, 1f], [1f, 2f], nanPolicy: NanPolicy.Omit).Status);
    });

    [Fact]
    public void BadInput_ThrowsNamingTheArgument() => Backends.With(Cpu, context =>
    {
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => context.Spearman(ReadOnlySpan<float>.Empty, [])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => context.Pearson(ReadOnlySpan<double>.Empty, [])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => context.Spearman([1f, 2f], [1f])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => context.Pearson([1.0], [1.0, 2.0])).ParamName);
        Assert.Equal("ranks", Assert.Throws<ArgumentOutOfRangeException>(() => context.Spearman([1f, 2f], [1f, 2f], (SpearmanRanks)5)).ParamName);
        Assert.Equal("nanPolicy", Assert.Throws<ArgumentOutOfRangeException>(() => context.Spearman([1.0, 2.0], [1.0, 2.0], nanPolicy: (NanPolicy)5)).ParamName);
        Assert.Throws<ArgumentNullException>(() => UqOps.Spearman(null!, [1f], [1f]));
    });

    /// <summary>Tied samples on a small grid (½-steps) with occasional ±∞ and −0.</summary>
    private static Gen<float[]> Values(int n) =>
        Gen.ArrayOf(Gen.Frequency(
            (20, Gen.Choose(-6, 6).Select(v => v * 0.5f)),
            (1, Gen.Elements(float.PositiveInfinity, float.NegativeInfinity, -0f))), n);

    [Fact]
    public void Properties_HoldWithTies() => Backends.With(Cpu, context =>
    {
        Gen<(float[] X, float[] Y, int Seed)> samples =
            from n in Gen.Choose(2, 120)
            from x in Values(n)
            from y in Values(n)
            from seed in Gen.Choose(0, 1 << 20)
            select (x, y, seed);
        Prop.ForAll(samples.ToArbitrary(), sample =>
        {
            (float[] x, float[] y, int seed) = sample;
            int n = x.Length;
            CorrelationResult r = context.Spearman(x, y);
            bool xConstant = x.All(v => v == x[0]);
            bool yConstant = y.All(v => v == y[0]);
            if (xConstant || yConstant)
            {
                return r.Status == CorrelationStatus.Constant && double.IsNaN(r.Coefficient);
            }

            // §4.4 permutation invariance (midranks); exact because every centred rank sum is exact in f64.
            var random = new Random(seed);
            int[] permutation = [.. Enumerable.Range(0, n).OrderBy(_ => random.Next())];
            bool permuted = context.Spearman([.. permutation.Select(i => x[i])], [.. permutation.Select(i => y[i])]) == r;

            // ρ(x, x) = 1; ρ(x, −y) = −ρ(x, y) (midranks of −y are n + 1 − midranks of y).
            bool self = context.Spearman(x, x).Coefficient == 1.0;
            bool negation = context.Spearman(x, [.. y.Select(v => -v)]).Coefficient == -r.Coefficient;

            // §4.2 invariance under strictly increasing maps s·2^k (also for the stable ordinal ranks).
            bool monotone = context.Spearman([.. x.Select(v => v * 256f)], [.. y.Select(v => v / 8f)]) == r
                && context.Spearman([.. x.Select(v => v * 4f)], y, SpearmanRanks.OrdinalStable) == context.Spearman(x, y, SpearmanRanks.OrdinalStable);
            bool bounded = r.Coefficient is >= -1 and <= 1;
            return permuted && self && negation && monotone && bounded;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true));
    });

    private static void AssertCorrelation(JsonElement meta, string key, CorrelationResult actual, double tolerance, string name)
    {
        JsonElement e = meta.GetProperty(key);
        if (e.ValueKind == JsonValueKind.Null)
        {
            Assert.Equal(CorrelationStatus.Constant, actual.Status);
            Assert.True(double.IsNaN(actual.Coefficient), $"{name} {key}: expected NaN, got {actual.Coefficient:R}");
            return;
        }

        Assert.Equal(CorrelationStatus.Ok, actual.Status);
        double expected = e.GetDouble();
        Assert.True(
            Math.Abs(actual.Coefficient - expected) <= tolerance,
            $"{name} {key}: expected {expected:R}, got {actual.Coefficient:R} (|Δ| = {Math.Abs(actual.Coefficient - expected):E2})");
    }
}
