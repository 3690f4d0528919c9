using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using UqKernels.IO;
using UqKernels.Tests.Infrastructure;

namespace UqKernels.Tests.Ranking;

/// <summary>
/// R@1 and R-AUROC (uq_metrics.md §2.6) on every backend against numpy (<c>S = F@F.T</c> in f64, diagonal −∞,
/// argmax) and sklearn's <c>roc_auc_score</c>. The reference data keep every row's best similarity at least 1e−5 above
/// its runner-up (meta.min_margin), so f32 rounding cannot change a neighbour; exact duplicate rows must resolve to the
/// lowest index on every backend.
/// </summary>
[Collection(BackendCollection.Name)]
public sealed class RecallAtOneTests
{
    /// <summary>R-AUROC is the exact AUROC path (integer numerator, one rounding): spec §3 AUROC tolerance.</summary>
    private const double AurocTolerance = 1e-15;

    private static string Root => Path.Combine(ReferenceCase.DataRoot, "ranking_selective", "recall_at_one");

    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string backend in UqDevices.List().Where(d => d.IsAvailable).Select(d => d.Selector))
            {
                foreach (string folder in Directory.GetDirectories(Root).Order(StringComparer.Ordinal))
                {
                    data.Add(backend, Path.GetFileName(folder));
                }
            }

            return data;
        }
    }

    public static TheoryData<string> AllBackends => Backends.All;

    [Fact]
    public void ReferenceCases_ArePresent() => Assert.True(Directory.GetDirectories(Root).Length >= 5);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReferenceVectors_MatchNumpyAndSklearn(string backend, string name)
    {
        string folder = Path.Combine(Root, name);
        NpyArray featuresArray = NpyArray.Read(Path.Combine(folder, "features.npy"));
        bool slow = Backends.IsSlow(backend);
        if (slow && featuresArray.Shape[0] > 128)
        {
            return; // ILGPU's CPU accelerator simulates groups with threads: the small cases cover its kernel code
        }

        float[] features = featuresArray.As<float>();
        var shape = new MatrixShape(featuresArray.Shape[0], featuresArray.Shape[1]);
        int[] classes = NpyArray.Read(Path.Combine(folder, "classes.npy")).ToInt32("classes");
        float[] u = NpyArray.Read(Path.Combine(folder, "u.npy")).As<float>();
        int[] expectedNearest = NpyArray.Read(Path.Combine(folder, "nearest.npy")).ToInt32("nearest");
        byte[] expectedCorrect = NpyArray.Read(Path.Combine(folder, "correct.npy")).Reinterpret<byte>();
        JsonElement meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "meta.json"))).RootElement;
        Backends.With(backend, context =>
        {
            int n = shape.Rows;
            foreach (bool wide in slow ? [false] : new[] { false, true }) // f64 on ilgpu-cpu: the duplicate test
            {
                int[] nearest = new int[n];
                byte[] correct = new byte[n];
                RecallAtOneResult r = wide
                    ? context.RecallAtOne([.. features.Select(v => (double)v)], shape, classes, [.. u.Select(v => (double)v)], nearest, correct)
                    : context.RecallAtOne(features, shape, classes, u, nearest, correct);
                string what = $"{backend} {name} {(wide ? "f64" : "f32")}";
                Assert.True(expectedNearest.AsSpan().SequenceEqual(nearest), $"{what}: nearest differs at {FirstDifference(expectedNearest, nearest)}");
                Assert.Equal(expectedCorrect, correct);
                Assert.Equal(meta.GetProperty("correct").GetInt64(), r.Correct);
                Assert.Equal(n, r.Count);
                Assert.Equal(meta.GetProperty("recall_at_one").GetDouble(), r.RecallAtOne);
                JsonElement rAuroc = meta.GetProperty("r_auroc");
                if (rAuroc.ValueKind == JsonValueKind.Null)
                {
                    Assert.True(double.IsNaN(r.RAuroc));
                    Assert.Equal(RankingStatus.OneClass, r.RAurocDetails!.Status);
                }
                else
                {
                    Assert.True(Math.Abs(r.RAuroc - rAuroc.GetDouble()) <= AurocTolerance, $"{what}: R-AUROC {r.RAuroc:R} vs {rAuroc.GetDouble():R}");
                    Assert.Equal(context.Auroc([.. u.Select(v => -v)], correct).Auroc, r.RAuroc);
                }
            }
        });
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ExactDuplicates_ResolveToTheLowestIndex(string backend) => Backends.With(backend, context =>
    {
        // Rows 3, 11, 20 are identical; rows 6 and 7 too; row 9 is a positive multiple of row 2 (same direction).
        const int n = 24;
        const int d = 19;
        float[] f = RandomFeatures(n, d, seed: 4);
        Array.Copy(f, 3 * d, f, 11 * d, d);
        Array.Copy(f, 3 * d, f, 20 * d, d);
        Array.Copy(f, 6 * d, f, 7 * d, d);
        for (int k = 0; k < d; k++)
        {
            f[(9 * d) + k] = f[(2 * d) + k] * 4f;
        }

        int[] classes = [.. Enumerable.Range(0, n).Select(i => i % 3)];
        int[] nearest = new int[n];
        context.RecallAtOne(f, new MatrixShape(n, d), classes, ReadOnlySpan<float>.Empty, nearest);
        Assert.Equal(11, nearest[3]);
        Assert.Equal(3, nearest[11]);
        Assert.Equal(3, nearest[20]);
        Assert.Equal(7, nearest[6]);
        Assert.Equal(6, nearest[7]);
        Assert.Equal(9, nearest[2]);
        Assert.Equal(2, nearest[9]);
        Assert.Equal(BruteForce(f, n, d), nearest);

        int[] wide = new int[n];
        context.RecallAtOne([.. f.Select(v => (double)v)], new MatrixShape(n, d), classes, ReadOnlySpan<double>.Empty, wide);
        Assert.Equal(nearest, wide);
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ZeroAndNaNRows_AndRowStride(string backend) => Backends.With(backend, context =>
    {
        // A row stride of d + 3 with garbage (including ∞) in the gaps; row 0 all NaN (= zero), row 5 zero: a zero
        // row's similarities are all 0, so its nearest neighbour is the lowest other index.
        const int n = 10;
        const int d = 5;
        const int stride = d + 3;
        float[] dense = RandomFeatures(n, d, seed: 9);
        dense.AsSpan(0, d).Fill(float.NaN);
        dense.AsSpan(5 * d, d).Clear();
        float[] strided = new float[((n - 1) * stride) + d];
        Array.Fill(strided, float.PositiveInfinity);
        for (int i = 0; i < n; i++)
        {
            dense.AsSpan(i * d, d).CopyTo(strided.AsSpan(i * stride, d));
        }

        int[] classes = [.. Enumerable.Range(0, n).Select(i => i / 4)];
        int[] nearest = new int[n];
        byte[] correct = new byte[n];
        RecallAtOneResult r = context.RecallAtOne(strided, new MatrixShape(n, d, stride), classes, ReadOnlySpan<float>.Empty, nearest, correct);
        Assert.Equal(1, nearest[0]);
        Assert.Equal(0, nearest[5]);
        Assert.True(double.IsNaN(r.RAuroc));
        Assert.Null(r.RAurocDetails);
        float[] zeroed = [.. dense.Select(v => float.IsNaN(v) ? 0f : v)];
        Assert.Equal(BruteForce(zeroed, n, d), nearest);
        Assert.Equal(correct.Count(v => v == 1), r.Correct);
        Assert.Equal(r.Correct / (double)n, r.RecallAtOne);
        Assert.Equal(Enumerable.Range(0, n).Select(i => (byte)(classes[nearest[i]] == classes[i] ? 1 : 0)), correct);
    });

    [Fact]
    public void RAuroc_FollowsTheNaNPolicy() => Backends.With("cpu", context =>
    {
        const int n = 12;
        float[] f = RandomFeatures(n, 6, seed: 2);
        int[] classes = [.. Enumerable.Range(0, n).Select(i => i % 2)];
        float[] u = [.. Enumerable.Range(0, n).Select(i => i * 0.1f)];
        u[4] = float.NaN;
        ArgumentException error = Assert.Throws<ArgumentException>(() => context.RecallAtOne(f, new MatrixShape(n, 6), classes, u));
        Assert.Equal("uncertainty", error.ParamName);
        Assert.Contains("uncertainty[4]", error.Message, StringComparison.Ordinal);
        RecallAtOneResult propagated = context.RecallAtOne(f, new MatrixShape(n, 6), classes, u, nanPolicy: NanPolicy.Propagate);
        Assert.Equal(RankingStatus.NaNPropagated, propagated.RAurocDetails!.Status);
        Assert.True(double.IsNaN(propagated.RAuroc));
        byte[] correct = new byte[n];
        RecallAtOneResult omitted = context.RecallAtOne(f, new MatrixShape(n, 6), classes, u, correct: correct, nanPolicy: NanPolicy.Omit);
        Assert.Equal(propagated.RecallAtOne, omitted.RecallAtOne);
        float[] keptScores = [.. u.Where((v, i) => i != 4).Select(v => -v)];
        byte[] keptLabels = [.. correct.Where((v, i) => i != 4)];
        Assert.Equal(context.Auroc(keptScores, keptLabels).Auroc, omitted.RAuroc);
    });

    [Fact]
    public void BadInput_ThrowsNamingTheArgument() => Backends.With("cpu", context =>
    {
        float[] f = RandomFeatures(4, 3, seed: 1);
        int[] classes = [0, 1, 0, 1];
        var shape = new MatrixShape(4, 3);
        Assert.Equal("features", Assert.Throws<ArgumentException>(() => context.RecallAtOne(f, new MatrixShape(1, 3), [0], ReadOnlySpan<float>.Empty)).ParamName);
        Assert.Equal("features", Assert.Throws<ArgumentException>(() => context.RecallAtOne(f, new MatrixShape(5, 3), [0, 1, 0, 1, 0], ReadOnlySpan<float>.Empty)).ParamName);
        Assert.Equal("features", Assert.Throws<ArgumentException>(() => context.RecallAtOne(f, new MatrixShape(4, 0), classes, ReadOnlySpan<float>.Empty)).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentException>(() => context.RecallAtOne(f, shape, [0, 1], ReadOnlySpan<float>.Empty)).ParamName);
        Assert.Equal("uncertainty", Assert.Throws<ArgumentException>(() => context.RecallAtOne(f, shape, classes, [1f, 2f])).ParamName);
        Assert.Equal("nearest", Assert.Throws<ArgumentException>(() => context.RecallAtOne(f, shape, classes, ReadOnlySpan<float>.Empty, new int[3])).ParamName);
        Assert.Equal("correct", Assert.Throws<ArgumentException>(() => context.RecallAtOne(f, shape, classes, ReadOnlySpan<float>.Empty, correct: new byte[2])).ParamName);
        Assert.Equal("nanPolicy", Assert.Throws<ArgumentOutOfRangeException>(() => context.RecallAtOne(f, shape, classes, ReadOnlySpan<float>.Empty, nanPolicy: (NanPolicy)4)).ParamName);
        double[] infinite = [.. f.Select(v => (double)v)];
        infinite[7] = double.NegativeInfinity;
        ArgumentException inf = Assert.Throws<ArgumentException>(() => context.RecallAtOne(infinite, shape, classes, ReadOnlySpan<double>.Empty));
        Assert.Equal("features", inf.ParamName);
        Assert.Contains("row 2", inf.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => UqOps.RecallAtOne(null!, f, shape, classes, ReadOnlySpan<float>.Empty));
    });

    [Fact]
    public void Properties_IlgpuCpuMatchesCpuAndBruteForce()
    {
        // Random Gaussian rows (n ≤ 40, d ≤ 40), a few planted exact duplicates; samples whose f64 best/runner-up gap is
        // below 1e−5 are discarded (a rounding-level near-tie may legitimately resolve differently per backend).
        Gen<(int N, int D, int Seed, int Duplicates)> samples =
            from n in Gen.Choose(2, 40)
            from d in Gen.Choose(1, 40)
            from seed in Gen.Choose(0, 1 << 20)
            from duplicates in Gen.Choose(0, 3)
            select (n, d, seed, duplicates);
        Prop.ForAll(samples.ToArbitrary(), sample =>
        {
            (int n, int d, int seed, int duplicates) = sample;
            float[] f = RandomFeatures(n, d, seed);
            var random = new Random(seed);
            for (int k = 0; k < duplicates; k++)
            {
                Array.Copy(f, random.Next(n) * d, f, random.Next(n) * d, d);
            }

            (int[] expected, double margin) = BruteForceWithMargin(f, n, d);
            if (margin < 1e-5)
            {
                return true;
            }

            int[] classes = [.. Enumerable.Range(0, n).Select(_ => random.Next(3))];
            float[] u = [.. Enumerable.Range(0, n).Select(_ => (float)random.NextDouble())];
            RecallAtOneResult? cpu = null;
            RecallAtOneResult? device = null;
            int[] cpuNearest = new int[n];
            int[] deviceNearest = new int[n];
            Backends.With("cpu", context => cpu = context.RecallAtOne(f, new MatrixShape(n, d), classes, u, cpuNearest));
            Backends.With("ilgpu-cpu", context => device = context.RecallAtOne(f, new MatrixShape(n, d), classes, u, deviceNearest));
            return cpuNearest.SequenceEqual(expected) && deviceNearest.SequenceEqual(expected)
                && cpu!.RecallAtOne == device!.RecallAtOne && cpu.RAuroc.Equals(device.RAuroc);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(25).WithQuietOnSuccess(true));
    }

    private static float[] RandomFeatures(int n, int d, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n * d).Select(_ => (float)((random.NextDouble() * 2) - 1))];
    }

    private static int[] BruteForce(float[] f, int n, int d) => BruteForceWithMargin(f, n, d).Nearest;

    /// <summary>f64 reference: normalise, all dot products, argmax over j ≠ i (first maximum), and the smallest gap between a row's maximum and its largest strictly smaller similarity.</summary>
    private static (int[] Nearest, double Margin) BruteForceWithMargin(float[] f, int n, int d)
    {
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++)
        {
            double[] row = [.. f.AsSpan(i * d, d).ToArray().Select(v => float.IsNaN(v) ? 0.0 : v)];
            double norm = Math.Sqrt(row.Sum(v => v * v));
            rows[i] = norm > 0 ? [.. row.Select(v => v / norm)] : row;
        }

        int[] nearest = new int[n];
        double margin = double.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            double[] s = [.. Enumerable.Range(0, n).Select(j => j == i ? double.NegativeInfinity : rows[i].Zip(rows[j], (a, b) => a * b).Sum())];
            double best = s.Max();
            nearest[i] = Array.IndexOf(s, best);
            double runnerUp = s.Where(v => v < best).DefaultIfEmpty(double.NegativeInfinity).Max();
            margin = Math.Min(margin, best - runnerUp);
        }

        return (nearest, margin);
    }

    private static int FirstDifference(int[] expected, int[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i])
            {
                return i;
            }
        }

        return -1;
    }
}
