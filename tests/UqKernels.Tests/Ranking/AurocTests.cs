using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using UqKernels.IO;
using UqKernels.Kernels.Ranking;
using UqKernels.Tests.Infrastructure;

namespace UqKernels.Tests.Ranking;

/// <summary>
/// Binary AUROC / AP (uq_metrics.md §2.1–2.4, §4 invariants 1–5) on the managed backend, plus the CPU radix sort and
/// the key transform. The device pipeline and the batched modes are covered on every backend by
/// <see cref="AurocBatchedTests"/>.
/// </summary>
[Collection(BackendCollection.Name)]
public sealed class AurocTests
{
    private const string Cpu = "cpu";

    /// <summary>AUROC is 2U/(2·n1·n0) from an exact integer numerator: one rounding, so 1e−15 absolute (spec §3).</summary>
    private const double AurocTolerance = 1e-15;

    /// <summary>AP is a sum of ≤ n f64 terms in a different order than sklearn's: 1e−12 absolute (spec §3).</summary>
    private const double ApTolerance = 1e-12;

    private static string RankingRoot => Path.Combine(ReferenceCase.DataRoot, "ranking");

    public static TheoryData<string> Cases
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string folder in Directory.GetDirectories(RankingRoot).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(folder));
            }

            return data;
        }
    }

    [Fact]
    public void ReferenceCases_ArePresent() => Assert.True(Cases.Count >= 10);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReferenceVectors_MatchSklearn(string name) => Backends.With(Cpu, context =>
    {
        string folder = Path.Combine(RankingRoot, name);
        float[] scores = NpyArray.Read(Path.Combine(folder, "scores.npy")).As<float>();
        byte[] labels = NpyArray.Read(Path.Combine(folder, "labels.npy")).Reinterpret<byte>();
        double auroc = NpyArray.Read(Path.Combine(folder, "auroc.npy")).ToFloat64()[0];
        double ap = NpyArray.Read(Path.Combine(folder, "ap.npy")).ToFloat64()[0];
        JsonElement meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "meta.json"))).RootElement;

        RankingResult single = context.Auroc(scores, labels);
        RankingResult wide = context.Auroc(scores.Select(v => (double)v).ToArray(), labels);
        foreach (RankingResult result in new[] { single, wide })
        {
            Assert.Equal(RankingStatus.Ok, result.Status);
            Assert.Equal(meta.GetProperty("twice_u").GetInt64(), result.NumeratorTwiceU);
            Assert.Equal(meta.GetProperty("n_pos").GetInt64(), result.Positives);
            Assert.Equal(meta.GetProperty("n_neg").GetInt64(), result.Negatives);
            Assert.True(Math.Abs(result.Auroc - auroc) <= AurocTolerance, $"{name}: AUROC {result.Auroc:R} vs {auroc:R}");
            Assert.True(Math.Abs(result.AveragePrecision - ap) <= ApTolerance, $"{name}: AP {result.AveragePrecision:R} vs {ap:R}");
        }

        Assert.Equal(single, wide);
    });

    [Fact]
    public void SpecWorkedExample_MatchesSklearnValues() => Backends.With(Cpu, context =>
    {
        byte[] y = [0, 0, 1, 1, 1, 0, 1];
        float[] s = [0.1f, 0.5f, 0.5f, 0.9f, 0.2f, 0.9f, 0.5f];
        RankingResult r = context.Auroc(s, y);
        Assert.Equal(4, r.Positives);
        Assert.Equal(3, r.Negatives);
        Assert.Equal(13, r.NumeratorTwiceU);
        Assert.Equal(0.5416666666666666, r.Auroc);
        Assert.Equal(0.5916666666666667, r.AveragePrecision, 1e-15);
        Assert.Equal(0.4583333333333333, context.Auroc(s.Select(v => -v).ToArray(), y).Auroc);
        RankingResult constant = context.Auroc(new float[7], y);
        Assert.Equal(0.5, constant.Auroc);
        Assert.Equal(4.0 / 7.0, constant.AveragePrecision);
    });

    [Fact]
    public void SignedZerosTie_InfinitiesAreOrdered() => Backends.With(Cpu, context =>
    {
        Assert.Equal(0.5, context.Auroc([-0f, 0f], [1, 0]).Auroc);
        Assert.Equal(0.5, context.Auroc([0.0, -0.0], [1, 0]).Auroc);
        Assert.Equal(1.0, context.Auroc([float.NegativeInfinity, float.PositiveInfinity], [0, 1]).Auroc);
        Assert.Equal(0.5, context.Auroc([float.PositiveInfinity, float.PositiveInfinity], [0, 1]).Auroc);
        Assert.Equal(0.5, context.Auroc([double.NegativeInfinity, double.NegativeInfinity], [0, 1]).Auroc);
        Assert.Equal(0.0, context.Auroc([double.MaxValue, double.PositiveInfinity], [1, 0]).Auroc);
    });

    [Fact]
    public void Keys_PreserveOrderAndCanonicaliseZero()
    {
        float[] f = [float.NegativeInfinity, -float.MaxValue, -1f, -float.Epsilon, 0f, float.Epsilon, 1f, float.MaxValue, float.PositiveInfinity];
        for (int i = 1; i < f.Length; i++)
        {
            Assert.True(RankingKey.Key(f[i - 1]) < RankingKey.Key(f[i]), $"f32 {f[i - 1]} < {f[i]}");
        }

        double[] d = [double.NegativeInfinity, -double.MaxValue, -1, -double.Epsilon, 0, double.Epsilon, 1, double.MaxValue, double.PositiveInfinity];
        for (int i = 1; i < d.Length; i++)
        {
            Assert.True(RankingKey.Key(d[i - 1]) < RankingKey.Key(d[i]), $"f64 {d[i - 1]} < {d[i]}");
        }

        Assert.Equal(RankingKey.Key(0f), RankingKey.Key(-0f));
        Assert.Equal(RankingKey.Key(0.0), RankingKey.Key(-0.0));
        Assert.Equal(0x8000_0000u, RankingKey.Key(0f));
        Assert.True(RankingKey.IsNaN(BitConverter.UInt32BitsToSingle(0xFFC0_0000u)));
        Assert.True(RankingKey.IsNaN(double.NaN));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(5000)]
    [InlineData(70_000)]
    [InlineData(400_003)]
    public void RadixSort_MatchesArraySort(int n)
    {
        var random = new Random(n + 17);
        var inputs = new List<ulong[]>
        {
            Enumerable.Range(0, n).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63)).ToArray(), // full 64-bit
            Enumerable.Range(0, n).Select(_ => (ulong)random.Next(4)).ToArray(),                                  // heavy ties, low digit only
            Enumerable.Range(0, n).Select(_ => (ulong)random.Next(3) << 50).ToArray(),                            // one high digit varies
            Enumerable.Range(0, n).Select(_ => 0x1234_5678_9ABC_DEF0ul).ToArray(),                                // all equal
            Enumerable.Range(0, n).Select(i => (ulong)i).ToArray(),                                               // sorted
            Enumerable.Range(0, n).Select(i => ulong.MaxValue - (ulong)i).ToArray(),                             // reversed
            Enumerable.Range(0, n).Select(i => (i & 1) == 0 ? 0ul : ulong.MaxValue).ToArray(),                    // extremes
            Enumerable.Range(0, n).Select(_ => RankingKey.Pack(RankingKey.Key((float)Math.Round(random.NextDouble() * 4 - 2, 1)), random.Next(2))).ToArray(),
        };
        foreach (ulong[] keys in inputs)
        {
            ulong[] expected = (ulong[])keys.Clone();
            Array.Sort(expected);
            CpuRadixSort.Sort(keys, new ulong[n]);
            if (keys.All(k => k < (1ul << 33)))
            {
                ulong[] narrow = (ulong[])keys.Clone();
                Array.Reverse(narrow);
                CpuRadixSort.Sort(narrow, new ulong[n], keyBits: 33);
                Assert.Equal(expected, narrow);
            }

            Assert.Equal(expected, keys);
        }
    }

    [Fact]
    public void BadInput_ThrowsNamingTheArgument() => Backends.With(Cpu, context =>
    {
        Assert.Equal("scores", Assert.Throws<ArgumentException>(() => context.Auroc(ReadOnlySpan<float>.Empty, [])).ParamName);
        Assert.Equal("scores", Assert.Throws<ArgumentException>(() => context.Auroc(ReadOnlySpan<double>.Empty, [])).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => context.Auroc([1f, 2f], [1])).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => context.Auroc([1.0], [1, 0])).ParamName);
        ArgumentOutOfRangeException label = Assert.Throws<ArgumentOutOfRangeException>(() => context.Auroc([1f, 2f, 3f, 4f], [0, 1, 0, 2]));
        Assert.Equal("labels", label.ParamName);
        Assert.Contains("labels[3]", label.Message, StringComparison.Ordinal);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => context.Auroc([1.0], [255])).ParamName);
        ArgumentException nan = Assert.Throws<ArgumentException>(() => context.Auroc([1f, float.NaN], [0, 1]));
        Assert.Equal("scores", nan.ParamName);
        Assert.Contains("scores[1]", nan.Message, StringComparison.Ordinal);
        Assert.Equal("scores", Assert.Throws<ArgumentException>(() => context.Auroc([double.NaN, 1.0], [0, 1])).ParamName);
        Assert.Equal("nanPolicy", Assert.Throws<ArgumentOutOfRangeException>(() => context.Auroc([1f, 2f], [0, 1], (NanPolicy)7)).ParamName);
        Assert.Throws<ArgumentNullException>(() => UqOps.Auroc(null!, [1f, 2f], [0, 1]));
    });

    [Fact]
    public void NaNPolicies_PropagateOrOmit() => Backends.With(Cpu, context =>
    {
        float negativeNaN = BitConverter.UInt32BitsToSingle(0xFFC0_0000u); // x86's default NaN: would sort below −inf
        float[] s = [0.3f, float.NaN, 0.7f, negativeNaN, 0.5f, 0.1f];
        byte[] y = [0, 1, 1, 0, 1, 0];
        RankingResult propagated = context.Auroc(s, y, NanPolicy.Propagate);
        Assert.Equal(RankingStatus.NaNPropagated, propagated.Status);
        Assert.True(double.IsNaN(propagated.Auroc) && double.IsNaN(propagated.AveragePrecision));
        Assert.Equal(3, propagated.Positives);
        Assert.Equal(3, propagated.Negatives);

        RankingResult omitted = context.Auroc(s, y, NanPolicy.Omit);
        RankingResult clean = context.Auroc([0.3f, 0.7f, 0.5f, 0.1f], [0, 1, 1, 0]);
        Assert.Equal(clean, omitted);
        Assert.Equal(1.0, omitted.Auroc);
        Assert.Equal(clean, context.Auroc(s.Select(v => (double)v).ToArray(), y, NanPolicy.Omit));

        // Omitting every element of one class leaves one class.
        Assert.Equal(RankingStatus.OneClass, context.Auroc([float.NaN, 1f, 2f], [1, 0, 0], NanPolicy.Omit).Status);
        Assert.Equal(RankingStatus.Empty, context.Auroc([float.NaN], [1], NanPolicy.Omit).Status);
    });

    [Fact]
    public void OneClass_IsNaNWithStatus() => Backends.With(Cpu, context =>
    {
        RankingResult negatives = context.Auroc([1f, 2f, 3f], [0, 0, 0]);
        Assert.Equal(RankingStatus.OneClass, negatives.Status);
        Assert.True(double.IsNaN(negatives.Auroc));
        Assert.True(double.IsNaN(negatives.AveragePrecision));
        Assert.Equal(0, negatives.Positives);
        Assert.Equal(3, negatives.Negatives);

        RankingResult positives = context.Auroc([1.0, 2.0], [1, 1]);
        Assert.Equal(RankingStatus.OneClass, positives.Status);
        Assert.True(double.IsNaN(positives.Auroc));
        Assert.Equal(1.0, positives.AveragePrecision);
    });

    [Fact]
    public void DegenerateRankings_AreExact() => Backends.With(Cpu, context =>
    {
        for (int n = 2; n <= 300; n += 7)
        {
            byte[] y = Enumerable.Range(0, n).Select(i => (byte)(i % 3 == 0 ? 1 : 0)).ToArray();
            int n1 = y.Count(v => v == 1);
            RankingResult constant = context.Auroc(Enumerable.Repeat(0.37f, n).ToArray(), y);
            Assert.Equal(0.5, constant.Auroc);
            Assert.Equal((double)n1 / n, constant.AveragePrecision);
            RankingResult perfect = context.Auroc(y.Select(v => (double)v).ToArray(), y);
            Assert.Equal(1.0, perfect.Auroc);
            Assert.Equal(1.0, perfect.AveragePrecision);
            Assert.Equal(0.0, context.Auroc(y.Select(v => -(float)v).ToArray(), y).Auroc);
        }
    });

    /// <summary>Small tied samples: scores from an 11-value grid (½-steps) plus occasional ±∞.</summary>
    private static Gen<(float[] Scores, byte[] Labels)> Samples =>
        from n in Gen.Choose(1, 60)
        from scores in Gen.ArrayOf(Gen.Frequency(
            (20, Gen.Choose(-5, 5).Select(v => v * 0.5f)),
            (1, Gen.Elements(float.PositiveInfinity, float.NegativeInfinity, -0f))), n)
        from labels in Gen.ArrayOf(Gen.Choose(0, 1).Select(v => (byte)v), n)
        select (scores, labels);

    [Fact]
    public void Properties_HoldWithTies() => Backends.With(Cpu, context =>
    {
        Prop.ForAll(Samples.ToArbitrary(), sample =>
        {
            (float[] s, byte[] y) = sample;
            RankingResult r = context.Auroc(s, y);
            long n1 = y.Count(v => v == 1);
            long n0 = y.Length - n1;
            Assert.Equal(n1, r.Positives);
            Assert.Equal(n0, r.Negatives);

            // Naive O(n1·n0) Mann–Whitney count (ties half credit), also for one class (then 0).
            long naive = 0;
            for (int i = 0; i < s.Length; i++)
            {
                for (int j = 0; j < s.Length; j++)
                {
                    if (y[i] == 1 && y[j] == 0)
                    {
                        naive += s[i] > s[j] ? 2 : s[i] == s[j] ? 1 : 0;
                    }
                }
            }

            if (n1 == 0 || n0 == 0)
            {
                Assert.Equal(RankingStatus.OneClass, r.Status);
                Assert.True(double.IsNaN(r.Auroc));
                return;
            }

            Assert.Equal(RankingStatus.Ok, r.Status);
            Assert.Equal(naive, r.NumeratorTwiceU);
            Assert.Equal((double)naive / (2 * n1 * n0), r.Auroc);

            // Negation: 2U(s) + 2U(−s) = 2·n1·n0; and AUROC(1−y, −s) = AUROC(y, s).
            float[] negated = s.Select(v => -v).ToArray();
            RankingResult neg = context.Auroc(negated, y);
            Assert.Equal(2 * n1 * n0, r.NumeratorTwiceU + neg.NumeratorTwiceU);
            RankingResult flipped = context.Auroc(negated, y.Select(v => (byte)(1 - v)).ToArray());
            Assert.Equal(r.NumeratorTwiceU, flipped.NumeratorTwiceU);
            Assert.Equal(r.Auroc, flipped.Auroc);

            // Monotone maps that are injective in f32: s·2^k, and the f64 widening.
            foreach (float scale in new[] { 0.125f, 4f, 1024f })
            {
                RankingResult scaled = context.Auroc(s.Select(v => v * scale).ToArray(), y);
                Assert.Equal(r, scaled);
            }

            Assert.Equal(r, context.Auroc(s.Select(v => (double)v).ToArray(), y));

            // Permutation invariance (joint shuffle).
            int[] order = Enumerable.Range(0, s.Length).ToArray();
            new Random(s.Length * 31 + (int)n1).Shuffle(order);
            RankingResult shuffled = context.Auroc(order.Select(i => s[i]).ToArray(), order.Select(i => y[i]).ToArray());
            Assert.Equal(r, shuffled);

            // AP against a direct transcription of sklearn's step sum over distinct thresholds (descending).
            double ap = 0;
            foreach (float t in s.Distinct().OrderDescending())
            {
                long tp = s.Where((v, i) => v >= t && y[i] == 1).LongCount();
                long fp = s.Where((v, i) => v >= t && y[i] == 0).LongCount();
                long pos = s.Where((v, i) => v == t && y[i] == 1).LongCount();
                ap += (double)pos / n1 * ((double)tp / (tp + fp));
            }

            Assert.True(Math.Abs(ap - r.AveragePrecision) <= 1e-14, $"AP {r.AveragePrecision:R} vs {ap:R}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true));
    });

    [Fact]
    public void LargeTiedInput_MatchesCountingReference() => Backends.With(Cpu, context =>
    {
        // 300k scores on 64 distinct values: compare with a per-value histogram (the exact O(n + 2^k) path of §2.1).
        const int n = 300_000;
        var random = new Random(5);
        float[] s = new float[n];
        byte[] y = new byte[n];
        long[] pos = new long[64];
        long[] neg = new long[64];
        for (int i = 0; i < n; i++)
        {
            int v = random.Next(64);
            y[i] = (byte)(random.Next(100) < 20 + v ? 1 : 0);
            s[i] = (v - 32) * 0.25f;
            (y[i] == 1 ? pos : neg)[v]++;
        }

        long twiceU = 0;
        long below = 0;
        for (int v = 0; v < 64; v++)
        {
            twiceU += pos[v] * ((2 * below) + neg[v]);
            below += neg[v];
        }

        RankingResult r = context.Auroc(s, y);
        Assert.Equal(twiceU, r.NumeratorTwiceU);
        Assert.Equal(r, context.Auroc(s.Select(v => (double)v).ToArray(), y));
    });
}
