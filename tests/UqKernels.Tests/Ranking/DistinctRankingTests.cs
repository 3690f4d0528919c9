using FsCheck;
using FsCheck.Fluent;
using UqKernels.Kernels.Ranking;

namespace UqKernels.Tests.Ranking;

/// <summary>
/// The CPU's counting path for segments with few distinct scores (<see cref="CpuDistinctRanking"/>) against the
/// radix-sort paths it short-cuts (<see cref="CpuSplitRanking"/> for f32, <see cref="CpuRanking.RankFloat64"/> for
/// f64): the same totals bit for bit (2U, AP sum, class and NaN counts), serial and on two chunks, and the hand-over to
/// sorting when a segment has more distinct scores than a table takes. The public operations pick the path themselves,
/// so the property tests elsewhere exercise whichever path their inputs select; these tests pin both down directly.
/// The same holds for the serial f32 path's count of the negatives against at most
/// <see cref="CpuSplitRanking.RarePositives"/> positives (one-vs-rest's shape).
/// </summary>
public sealed unsafe class DistinctRankingTests
{
    private static Gen<(float[] Scores, byte[] Labels, NanPolicy Policy)> Segments =>
        from n in Gen.Choose(0, 3000)
        from pool in Gen.Elements(1, 2, 7, 300, DistinctScoreTable.MaxDistinct, 100_000)
        from seed in Gen.Choose(0, int.MaxValue)
        from nanEvery in Gen.Elements(0, 0, 5, 97)
        from policy in Gen.Elements(NanPolicy.Propagate, NanPolicy.Omit)
        from rarePositives in Gen.Elements(false, false, true)
        select Build(n, pool, seed, nanEvery, policy, rarePositives);

    [Fact]
    public void Properties_CountingEqualsSorting_F32AndF64() =>
        Prop.ForAll(Segments.ToArbitrary(), sample =>
        {
            (float[] s, byte[] y, NanPolicy policy) = sample;
            int distinct = s.Where(v => !float.IsNaN(v)).Select(v => v == 0 ? 0f : v).Distinct().Count();
            SegmentTotals sorted32 = SortF32(s, y, policy, chunks: 1);
            SegmentTotals sorted64 = SortF64(s, y, policy);
            AssertSame(sorted32, sorted64, "f32 sort vs f64 sort");
            bool counted = TryCountF32(s, y, policy, chunks: 1, out SegmentTotals counted32);
            Assert.Equal(distinct <= DistinctScoreTable.MaxDistinct, counted);
            Assert.Equal(counted, TryCountF64(s, y, policy, chunks: 1, out SegmentTotals counted64));
            if (counted)
            {
                AssertSame(sorted32, counted32, "f32 counting");
                AssertSame(sorted32, counted64, "f64 counting");
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200).WithQuietOnSuccess(true));

    [Fact]
    public void TwoChunks_MergeTablesToTheSortedTotals()
    {
        // 300,000 scores on 1,500 values: each chunk's table fills to ~1,500 keys, the merge sums equal keys.
        (float[] s, byte[] y, _) = Build(300_000, 1_500, seed: 11, nanEvery: 1_001, NanPolicy.Omit);
        SegmentTotals sorted = SortF32(s, y, NanPolicy.Omit, chunks: 2);
        Assert.Equal(sorted.TwiceU, SortF32(s, y, NanPolicy.Omit, chunks: 1).TwiceU);
        Assert.True(TryCountF32(s, y, NanPolicy.Omit, chunks: 2, out SegmentTotals counted));
        AssertSame(sorted, counted, "f32 counting, two chunks");
        Assert.True(TryCountF64(s, y, NanPolicy.Omit, chunks: 2, out SegmentTotals counted64));
        AssertSame(sorted, counted64, "f64 counting, two chunks");
    }

    [Fact]
    public void TooManyDistinct_HandsOverToSorting()
    {
        // Exactly MaxDistinct distinct values are counted; one more is not, wherever the extra value comes.
        float[] s = Enumerable.Range(0, DistinctScoreTable.MaxDistinct).Select(i => (float)i).ToArray();
        byte[] y = s.Select((_, i) => (byte)(i % 3 == 0 ? 1 : 0)).ToArray();
        Assert.True(TryCountF32(s, y, NanPolicy.Omit, chunks: 1, out _));
        float[] more = [.. s, -1f];
        byte[] moreLabels = [.. y, 1];
        Assert.False(TryCountF32(more, moreLabels, NanPolicy.Omit, chunks: 1, out _));
        Assert.False(TryCountF64(more, moreLabels, NanPolicy.Omit, chunks: 1, out _));

        // Two chunks: the first is tied (it would succeed alone), the second continuous; the segment is abandoned, and
        // the public operation still returns the sorted totals.
        (float[] tied, byte[] tiedLabels, _) = Build(200_000, 10, seed: 3, nanEvery: 0, NanPolicy.Omit);
        (float[] spread, byte[] spreadLabels, _) = Build(200_000, 1 << 24, seed: 4, nanEvery: 0, NanPolicy.Omit);
        float[] mixed = [.. tied, .. spread];
        byte[] mixedLabels = [.. tiedLabels, .. spreadLabels];
        Assert.False(TryCountF32(mixed, mixedLabels, NanPolicy.Omit, chunks: 2, out _));
        using UqContext context = UqContext.Create("cpu");
        RankingResult result = context.Auroc(mixed, mixedLabels);
        Assert.Equal(SortF32(mixed, mixedLabels, NanPolicy.Omit, chunks: 1).TwiceU, result.NumeratorTwiceU);
    }

    [Theory]
    [InlineData(50_000, 1 << 24, 40)]
    [InlineData(50_000, 300, 40)]
    [InlineData(20_000, 1 << 24, CpuSplitRanking.RarePositives)]
    [InlineData(20_000, 1 << 24, CpuSplitRanking.RarePositives + 1)]
    [InlineData(5_000, 20, 7)]
    [InlineData(300, 1 << 24, 1)]
    public void RarePositives_CountingAgainstThemEqualsSorting(int n, int pool, int positives)
    {
        // Positives drawn from the same pool as the negatives (ties across classes when the pool is small, repeated
        // positive values), ±∞ and ±0 in the pool, NaN scores under Omit. The serial path (one chunk) counts the
        // negatives against the positives when there are at most RarePositives; two chunks always sort.
        (float[] s, _, _) = Build(n, pool, seed: n + positives, nanEvery: 997, NanPolicy.Omit);
        byte[] y = new byte[n];
        var random = new Random(positives);
        for (int placed = 0; placed < positives;)
        {
            int i = random.Next(n);
            if (y[i] == 0 && !float.IsNaN(s[i]))
            {
                y[i] = 1;
                placed++;
            }
        }

        SegmentTotals serial = SortF32(s, y, NanPolicy.Omit, chunks: 1);
        Assert.Equal(positives, serial.Positives);
        AssertSame(SortF32(s, y, NanPolicy.Omit, chunks: 2), serial, "rare positives vs two-chunk sort");
        AssertSame(SortF64(s, y, NanPolicy.Omit), serial, "rare positives vs f64 sort");
    }

    /// <summary>
    /// <paramref name="n"/> scores drawn from <paramref name="pool"/> values spread over [−1, 1] (with ±∞, ±0 in the
    /// pool), labels correlated with the score (or 2% positives: the one-vs-rest shape, which the merge walks with a
    /// different step), every <paramref name="nanEvery"/>-th score NaN (0: none).
    /// </summary>
    private static (float[] Scores, byte[] Labels, NanPolicy Policy) Build(
        int n, int pool, int seed, int nanEvery, NanPolicy policy, bool rarePositives = false)
    {
        var random = new Random(seed);
        float[] values = Enumerable.Range(0, pool).Select(i => pool == 1 ? 0.5f : (2f * i / (pool - 1)) - 1f).ToArray();
        if (pool > 4)
        {
            values[0] = float.NegativeInfinity;
            values[1] = -0f;
            values[2] = float.PositiveInfinity;
        }

        float[] scores = new float[n];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++)
        {
            int v = random.Next(pool);
            scores[i] = nanEvery > 0 && i % nanEvery == nanEvery - 1 ? float.NaN : values[v];
            double rate = rarePositives ? 0.02 : 0.2 + (0.6 * v / pool);
            labels[i] = (byte)(random.NextDouble() < rate ? 1 : 0);
        }

        return (scores, labels, policy);
    }

    private static void AssertSame(SegmentTotals expected, SegmentTotals actual, string what)
    {
        Assert.True(expected.Positives == actual.Positives && expected.Negatives == actual.Negatives
            && expected.NaNPositives == actual.NaNPositives && expected.NaNNegatives == actual.NaNNegatives,
            $"{what}: counts ({actual.Positives}, {actual.Negatives}, {actual.NaNPositives}, {actual.NaNNegatives}) ≠ "
            + $"({expected.Positives}, {expected.Negatives}, {expected.NaNPositives}, {expected.NaNNegatives})");
        Assert.True(expected.TwiceU == actual.TwiceU, $"{what}: 2U {actual.TwiceU} ≠ {expected.TwiceU}");
        Assert.True(BitConverter.DoubleToInt64Bits(expected.ApSum) == BitConverter.DoubleToInt64Bits(actual.ApSum),
            $"{what}: AP sum {actual.ApSum:R} ≠ {expected.ApSum:R}");
    }

    private static SegmentTotals SortF32(float[] s, byte[] y, NanPolicy policy, int chunks)
    {
        using var workspace = new RankingWorkspace();
        fixed (float* scores = s)
        fixed (byte* labels = y)
        {
            return CpuSplitRanking.RankParallel(scores, s.Length, new ByteLabels(labels), policy, workspace, chunks);
        }
    }

    private static SegmentTotals SortF64(float[] s, byte[] y, NanPolicy policy)
    {
        double[] wide = s.Select(v => (double)v).ToArray();
        using var workspace = new RankingWorkspace();
        fixed (double* scores = wide)
        fixed (byte* labels = y)
        {
            return CpuRanking.RankFloat64(scores, wide.Length, new ByteLabels(labels), policy, workspace, parallel: false);
        }
    }

    private static bool TryCountF32(float[] s, byte[] y, NanPolicy policy, int chunks, out SegmentTotals totals)
    {
        using var workspace = new RankingWorkspace();
        fixed (float* scores = s)
        fixed (byte* labels = y)
        {
            return CpuDistinctRanking.TryRank<float, Float32KeyOps, ByteLabels>(
                scores, s.Length, new ByteLabels(labels), policy, workspace, chunks, out totals);
        }
    }

    private static bool TryCountF64(float[] s, byte[] y, NanPolicy policy, int chunks, out SegmentTotals totals)
    {
        double[] wide = s.Select(v => (double)v).ToArray();
        using var workspace = new RankingWorkspace();
        fixed (double* scores = wide)
        fixed (byte* labels = y)
        {
            return CpuDistinctRanking.TryRank<double, Float64KeyOps, ByteLabels>(
                scores, wide.Length, new ByteLabels(labels), policy, workspace, chunks, out totals);
        }
    }
}
