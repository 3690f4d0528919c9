using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using UqKernels.IO;
using UqKernels.Tests.Infrastructure;

namespace UqKernels.Tests.Ranking;

/// <summary>
/// Batched exact AUROC / AP (uq_metrics.md §2.3, §2.9, §4): columns (both layouts), one-vs-rest and CSR segments on
/// every backend, against sklearn 1.2.1 vectors (tests/data/ranking_batched) and the §4 invariants; the 16-bit
/// histogram path against the sorted path; argument errors.
/// </summary>
[Collection(BackendCollection.Name)]
public sealed class AurocBatchedTests
{
    /// <summary>AUROC = 2U/(2·n1·n0) from an exact integer numerator: one rounding, 1e−15 absolute (spec §3).</summary>
    private const double AurocTolerance = 1e-15;

    /// <summary>AP and the averages are f64 sums in another order than sklearn's: 1e−12 absolute (spec §3).</summary>
    private const double SumTolerance = 1e-12;

    public static TheoryData<string> AllBackends => Backends.All;

    private static string Root => Path.Combine(ReferenceCase.DataRoot, "ranking_batched");

    public static TheoryData<string, string> BackendCases
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

    [Fact]
    public void ReferenceCases_ArePresent() => Assert.True(Directory.GetDirectories(Root).Length >= 8);

    [Theory]
    [MemberData(nameof(BackendCases))]
    public void ReferenceVectors_MatchSklearn(string backend, string name) => Backends.With(backend, context =>
    {
        string folder = Path.Combine(Root, name);
        JsonElement meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "meta.json"))).RootElement;
        NpyArray scoresArray = NpyArray.Read(Path.Combine(folder, "scores.npy"));
        float[] scores = scoresArray.As<float>();
        double[] wide = scores.Select(v => (double)v).ToArray();
        double[] auroc = NpyArray.Read(Path.Combine(folder, "auroc.npy")).ToFloat64();
        double[] ap = NpyArray.Read(Path.Combine(folder, "ap.npy")).ToFloat64();
        var results = new List<RankingBatchResult>();
        string mode = meta.GetProperty("mode").GetString()!;
        switch (mode)
        {
            case "columns":
            {
                int n = meta.GetProperty("samples").GetInt32();
                int k = meta.GetProperty("columns").GetInt32();
                byte[] labels = NpyArray.Read(Path.Combine(folder, "labels.npy")).Reinterpret<byte>();
                float[] columnMajor = Transpose(scores, n, k);
                results.Add(context.AurocColumns(scores, n, k, ScoreLayout.SampleMajor, labels));
                results.Add(context.AurocColumns(columnMajor, n, k, ScoreLayout.ColumnMajor, labels));
                results.Add(context.AurocColumns(wide, n, k, ScoreLayout.SampleMajor, labels));
                results.Add(context.AurocColumns(columnMajor.Select(v => (double)v).ToArray(), n, k, ScoreLayout.ColumnMajor, labels));
                break;
            }

            case "ovr":
            {
                int n = meta.GetProperty("samples").GetInt32();
                int c = meta.GetProperty("classes").GetInt32();
                int[] labels = NpyArray.Read(Path.Combine(folder, "labels.npy")).ToInt32("labels");
                results.Add(context.AurocOneVsRest(scores, n, c, labels));
                results.Add(context.AurocOneVsRest(wide, n, c, labels));
                break;
            }

            default:
            {
                byte[] labels = NpyArray.Read(Path.Combine(folder, "labels.npy")).Reinterpret<byte>();
                int[] offsets = NpyArray.Read(Path.Combine(folder, "offsets.npy")).ToInt32("offsets");
                var ignoring = new RankingBatchOptions { IgnoreUndefined = true };
                results.Add(context.AurocSegments(scores, labels, offsets, ignoring));
                results.Add(context.AurocSegments(wide, labels, offsets, ignoring));
                break;
            }
        }

        long[] twiceU = meta.GetProperty("twice_u").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        long[] positives = meta.GetProperty("n_pos").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        long[] negatives = meta.GetProperty("n_neg").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        RankingStatus[] status = meta.GetProperty("status").EnumerateArray().Select(e => (RankingStatus)e.GetInt32()).ToArray();
        foreach (RankingBatchResult r in results)
        {
            Assert.Equal(twiceU, r.NumeratorTwiceU);
            Assert.Equal(positives, r.Positives);
            Assert.Equal(negatives, r.Negatives);
            Assert.Equal(status, r.Status);
            for (int k = 0; k < r.Count; k++)
            {
                AssertClose(auroc[k], r.Auroc[k], AurocTolerance, $"{name} AUROC[{k}]");
                AssertClose(ap[k], r.AveragePrecision[k], SumTolerance, $"{name} AP[{k}]");
            }

            if (mode == "segments")
            {
                AssertClose(meta.GetProperty("macro_auroc_ignoring_undefined").GetDouble(), r.MacroAuroc, SumTolerance, "macro AUROC");
                AssertClose(meta.GetProperty("weighted_auroc_ignoring_undefined").GetDouble(), r.WeightedAuroc, SumTolerance, "weighted AUROC");
                AssertClose(meta.GetProperty("macro_ap_ignoring_undefined").GetDouble(), r.MacroAveragePrecision, SumTolerance, "macro AP");
                AssertClose(meta.GetProperty("weighted_ap_ignoring_undefined").GetDouble(), r.WeightedAveragePrecision, SumTolerance, "weighted AP");
                Assert.True(double.IsNaN(r.AurocAverage(AverageMode.Macro, ignoreUndefined: false)));
                Assert.True(double.IsNaN(r.AveragePrecisionAverage(AverageMode.Weighted, ignoreUndefined: false)));
            }
            else
            {
                AssertClose(meta.GetProperty("macro_auroc").GetDouble(), r.MacroAuroc, SumTolerance, "macro AUROC");
                AssertClose(meta.GetProperty("weighted_auroc").GetDouble(), r.WeightedAuroc, SumTolerance, "weighted AUROC");
                AssertClose(meta.GetProperty("macro_ap").GetDouble(), r.MacroAveragePrecision, SumTolerance, "macro AP");
                AssertClose(meta.GetProperty("weighted_ap").GetDouble(), r.WeightedAveragePrecision, SumTolerance, "weighted AP");
            }
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void SingleVectorReferences_MatchSklearn(string backend) => Backends.With(backend, context =>
    {
        string root = Path.Combine(ReferenceCase.DataRoot, "ranking");
        foreach (string folder in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            float[] scores = NpyArray.Read(Path.Combine(folder, "scores.npy")).As<float>();
            if (Backends.IsSlow(backend) && scores.Length > 5000)
            {
                continue;
            }

            byte[] labels = NpyArray.Read(Path.Combine(folder, "labels.npy")).Reinterpret<byte>();
            JsonElement meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "meta.json"))).RootElement;
            double auroc = NpyArray.Read(Path.Combine(folder, "auroc.npy")).ToFloat64()[0];
            double ap = NpyArray.Read(Path.Combine(folder, "ap.npy")).ToFloat64()[0];
            foreach (RankingResult r in new[] { context.Auroc(scores, labels), context.Auroc(scores.Select(v => (double)v).ToArray(), labels) })
            {
                Assert.Equal(meta.GetProperty("twice_u").GetInt64(), r.NumeratorTwiceU);
                AssertClose(auroc, r.Auroc, AurocTolerance, folder);
                AssertClose(ap, r.AveragePrecision, SumTolerance, folder);
            }
        }
    });

    private static int[] Offsets(int[] lengths)
    {
        int[] offsets = new int[lengths.Length + 1];
        for (int i = 0; i < lengths.Length; i++)
        {
            offsets[i + 1] = offsets[i] + lengths[i];
        }

        return offsets;
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Properties_HoldOnEveryBackend(string backend) => Backends.With(backend, context =>
    {
        // Small CSR batches with heavy ties (a 9-value grid, ±∞, −0), empty and one-class segments.
        UqContext cpu = Backends.Get("cpu");
        Gen<(float[] Scores, byte[] Labels, int[] Offsets)> batches =
            from segments in Gen.Choose(1, 5)
            from lengths in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(0)), (8, Gen.Choose(1, 40))), segments)
            from scores in Gen.ArrayOf(Gen.Frequency(
                (20, Gen.Choose(-4, 4).Select(v => v * 0.5f)),
                (1, Gen.Elements(float.PositiveInfinity, float.NegativeInfinity, -0f))), lengths.Sum())
            from labels in Gen.ArrayOf(Gen.Choose(0, 1).Select(v => (byte)v), lengths.Sum())
            select (scores, labels, Offsets(lengths));
        Prop.ForAll(batches.ToArbitrary(), batch =>
        {
            (float[] s, byte[] y, int[] offsets) = batch;
            RankingBatchResult r = context.AurocSegments(s, y, offsets);

            // Exact integer equality with the CPU backend (and with the f64 path).
            RankingBatchResult reference = context == cpu ? r : cpu.AurocSegments(s, y, offsets);
            Assert.Equal(reference.NumeratorTwiceU, r.NumeratorTwiceU);
            Assert.Equal(reference.Status, r.Status);
            Assert.Equal(reference.Auroc, r.Auroc);
            Assert.Equal(r.NumeratorTwiceU, context.AurocSegments(s.Select(v => (double)v).ToArray(), y, offsets).NumeratorTwiceU);

            float[] negated = s.Select(v => -v).ToArray();
            RankingBatchResult neg = context.AurocSegments(negated, y, offsets);
            RankingBatchResult flipped = context.AurocSegments(negated, y.Select(v => (byte)(1 - v)).ToArray(), offsets);
            RankingBatchResult scaled = context.AurocSegments(s.Select(v => v * 1024f).ToArray(), y, offsets);
            RankingBatchResult constant = context.AurocSegments(new float[s.Length], y, offsets);
            for (int k = 0; k < r.Count; k++)
            {
                long n1 = r.Positives[k];
                long n0 = r.Negatives[k];
                Assert.Equal(n1, y[offsets[k]..offsets[k + 1]].Count(v => v == 1));
                if (r.Status[k] != RankingStatus.Ok)
                {
                    Assert.True(double.IsNaN(r.Auroc[k]));
                    Assert.Equal(n1 + n0 == 0 ? RankingStatus.Empty : RankingStatus.OneClass, r.Status[k]);
                    continue;
                }

                Assert.Equal(2 * n1 * n0, r.NumeratorTwiceU[k] + neg.NumeratorTwiceU[k]);
                Assert.Equal(r.NumeratorTwiceU[k], flipped.NumeratorTwiceU[k]);
                Assert.Equal(r.Auroc[k], flipped.Auroc[k]);
                Assert.Equal(r.NumeratorTwiceU[k], scaled.NumeratorTwiceU[k]);
                Assert.Equal(r.AveragePrecision[k], scaled.AveragePrecision[k]);
                Assert.Equal(0.5, constant.Auroc[k]);
                Assert.Equal((double)n1 / (n1 + n0), constant.AveragePrecision[k]);
            }

            // Joint shuffle inside each segment.
            int[] order = Enumerable.Range(0, s.Length).ToArray();
            var random = new Random(s.Length + (31 * offsets.Length));
            for (int k = 0; k + 1 < offsets.Length; k++)
            {
                random.Shuffle(order.AsSpan(offsets[k], offsets[k + 1] - offsets[k]));
            }

            RankingBatchResult shuffled = context.AurocSegments(order.Select(i => s[i]).ToArray(), order.Select(i => y[i]).ToArray(), offsets);
            Assert.Equal(r.NumeratorTwiceU, shuffled.NumeratorTwiceU);
            for (int k = 0; k < r.Count; k++)
            {
                AssertClose(r.AveragePrecision[k], shuffled.AveragePrecision[k], 1e-14, "shuffled AP");
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Backends.IsSlow(backend) ? 12 : 150).WithQuietOnSuccess(true));
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ColumnsAndOneVsRest_EqualSegmentsOfTheSameData(string backend) => Backends.With(backend, context =>
    {
        const int n = 157;
        const int k = 19; // not a multiple of the CPU's 16-column transpose block
        var random = new Random(42);
        float[] scores = Enumerable.Range(0, n * k).Select(_ => random.Next(12) * 0.125f).ToArray();
        byte[] labels = Enumerable.Range(0, n).Select(_ => (byte)random.Next(2)).ToArray();
        int[] classes = Enumerable.Range(0, n).Select(_ => random.Next(k)).ToArray();
        float[] columnMajor = Transpose(scores, n, k);
        int[] offsets = Enumerable.Range(0, k + 1).Select(c => c * n).ToArray();
        byte[] tiled = Enumerable.Range(0, k).SelectMany(_ => labels).ToArray();
        byte[] oneHot = Enumerable.Range(0, k).SelectMany(c => classes.Select(y => (byte)(y == c ? 1 : 0))).ToArray();

        RankingBatchResult expected = Backends.Get("cpu").AurocSegments(columnMajor, tiled, offsets);
        RankingBatchResult expectedOvr = Backends.Get("cpu").AurocSegments(columnMajor, oneHot, offsets);
        AssertSame(expected, context.AurocColumns(scores, n, k, ScoreLayout.SampleMajor, labels));
        AssertSame(expected, context.AurocColumns(columnMajor, n, k, ScoreLayout.ColumnMajor, labels));
        AssertSame(expectedOvr, context.AurocOneVsRest(scores, n, k, classes));
        AssertSame(expectedOvr, context.AurocOneVsRest(scores.Select(v => (double)v).ToArray(), n, k, classes));
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void NaNPolicies_ApplyPerSegment(string backend) => Backends.With(backend, context =>
    {
        float negativeNaN = BitConverter.UInt32BitsToSingle(0xFFC0_0000u);
        float[] s = [0.3f, float.NaN, 0.7f, 0.1f, 0.5f, negativeNaN, 0.9f, 0.2f, 0.4f];
        byte[] y = [0, 1, 1, 0, 1, 0, 1, 0, 1];
        int[] offsets = [0, 4, 6, 9];
        ArgumentException error = Assert.Throws<ArgumentException>(() => context.AurocSegments(s, y, offsets));
        Assert.Equal("scores", error.ParamName);
        Assert.Contains("scores[1]", error.Message, StringComparison.Ordinal);

        RankingBatchResult propagated = context.AurocSegments(s, y, offsets, new RankingBatchOptions { NanPolicy = NanPolicy.Propagate });
        Assert.Equal([RankingStatus.NaNPropagated, RankingStatus.NaNPropagated, RankingStatus.Ok], propagated.Status);
        Assert.Equal([2L, 1L, 2L], propagated.Positives);
        Assert.Equal([2L, 1L, 1L], propagated.Negatives);
        Assert.Equal(1.0, propagated.Auroc[2]);
        Assert.True(double.IsNaN(propagated.MacroAuroc));
        Assert.Equal(1.0, propagated.AurocAverage(AverageMode.Macro, ignoreUndefined: true));

        RankingBatchResult omitted = context.AurocSegments(s, y, offsets, new RankingBatchOptions { NanPolicy = NanPolicy.Omit });
        Assert.Equal([RankingStatus.Ok, RankingStatus.OneClass, RankingStatus.Ok], omitted.Status);
        Assert.Equal(1.0, omitted.Auroc[0]);
        Assert.Equal(1.0, omitted.AveragePrecision[1]);

        // Dense modes: a NaN affects its column only; the message names the flat index.
        float[] matrix = [0.1f, 0.2f, float.NaN, 0.4f, 0.5f, 0.6f]; // [3, 2] row-major
        ArgumentException columnError = Assert.Throws<ArgumentException>(
            () => context.AurocColumns(matrix, 3, 2, ScoreLayout.SampleMajor, [0, 1, 1]));
        Assert.Contains("scores[2]", columnError.Message, StringComparison.Ordinal);
        Assert.Equal("probabilities", Assert.Throws<ArgumentException>(() => context.AurocOneVsRest(matrix, 3, 2, [0, 1, 1])).ParamName);
        RankingBatchResult columns = context.AurocColumns(
            matrix, 3, 2, ScoreLayout.SampleMajor, [0, 1, 1], new RankingBatchOptions { NanPolicy = NanPolicy.Omit });
        Assert.Equal([RankingStatus.Ok, RankingStatus.Ok], columns.Status);
        Assert.Equal([1L, 2L], columns.Positives);
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void HalfAndBFloat16_EqualTheSortedF32Path(string backend) => Backends.With(backend, context =>
    {
        // Above the histogram threshold on the CPU (and a short one below it), with ties, ±∞, ±0, subnormals and NaN.
        foreach (int n in Backends.IsSlow(backend) ? new[] { 700 } : new[] { 700, 20_000 })
        {
            var random = new Random(n);
            ushort[] bits = Enumerable.Range(0, n).Select(_ => (ushort)(random.Next(8) switch
            {
                0 => random.Next(0x10000),                                   // anything, NaN included
                1 => random.Next(4) switch { 0 => 0x8000, 1 => 0x0000, 2 => 0x7C00, _ => 0x0001 },
                _ => 0x3C00 + (random.Next(40) << 4),                          // few distinct values: ties
            })).ToArray();
            byte[] y = Enumerable.Range(0, n).Select(_ => (byte)random.Next(2)).ToArray();
            Half[] halves = bits.Select(BitConverter.UInt16BitsToHalf).ToArray();
            BFloat16[] brains = bits.Select(b => new BFloat16(b)).ToArray();
            RankingResult half = context.Auroc(halves, y, NanPolicy.Omit);
            RankingResult brain = context.Auroc(brains, y, NanPolicy.Omit);
            Assert.Equal(RankingStatus.Ok, half.Status);
            AssertSame(Backends.Get("cpu").Auroc(halves.Select(h => (float)h).ToArray(), y, NanPolicy.Omit), half, backend);
            AssertSame(Backends.Get("cpu").Auroc(brains.Select(b => (float)b).ToArray(), y, NanPolicy.Omit), brain, backend);
            int[] offsets = [0, n / 3, n / 3, n];
            RankingBatchResult segments = context.AurocSegments(halves, y, offsets, new RankingBatchOptions { NanPolicy = NanPolicy.Omit });
            RankingBatchResult sorted = Backends.Get("cpu").AurocSegments(
                halves.Select(h => (float)h).ToArray(), y, offsets, new RankingBatchOptions { NanPolicy = NanPolicy.Omit });
            AssertSame(sorted, segments);
            Assert.Equal("scores", Assert.Throws<ArgumentException>(() => context.Auroc(halves, y)).ParamName);
        }
    });

    [Fact]
    public void LargeSegment_UsesTheParallelPathExactly() => Backends.With("cpu", context =>
    {
        // Above CpuRanking.LargeSegment: key build and sort on every core; checked against per-value counting.
        int n = (1 << 20) + 4321;
        var random = new Random(9);
        float[] s = new float[n];
        byte[] y = new byte[n];
        long[] pos = new long[200];
        long[] neg = new long[200];
        for (int i = 0; i < n; i++)
        {
            int v = random.Next(200);
            s[i] = (v - 100) * 0.01f;
            y[i] = (byte)(random.Next(200) < v ? 1 : 0);
            (y[i] == 1 ? pos : neg)[v]++;
        }

        long twiceU = 0;
        long below = 0;
        for (int v = 0; v < 200; v++)
        {
            twiceU += pos[v] * ((2 * below) + neg[v]);
            below += neg[v];
        }

        RankingResult r = context.Auroc(s, y);
        Assert.Equal(twiceU, r.NumeratorTwiceU);
        Assert.Equal(r, context.AurocSegments(s, y, [0, n])[0]);

        // With NaNs omitted (the chunk-compaction branch): same as dropping them first.
        s[17] = float.NaN;
        s[n - 5] = float.NaN;
        RankingResult omitted = context.Auroc(s, y, NanPolicy.Omit);
        int[] keep = Enumerable.Range(0, n).Where(i => !float.IsNaN(s[i])).ToArray();
        RankingResult dropped = context.Auroc(keep.Select(i => s[i]).ToArray(), keep.Select(i => y[i]).ToArray());
        Assert.Equal(dropped, omitted);
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void BadInput_ThrowsNamingTheArgument(string backend) => Backends.With(backend, context =>
    {
        float[] s = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f];
        byte[] y = [0, 1, 0];
        Assert.Equal("samples", Assert.Throws<ArgumentOutOfRangeException>(() => context.AurocColumns(s, 0, 2, ScoreLayout.SampleMajor, y)).ParamName);
        Assert.Equal("columns", Assert.Throws<ArgumentOutOfRangeException>(() => context.AurocColumns(s, 3, 0, ScoreLayout.SampleMajor, y)).ParamName);
        Assert.Equal("scores", Assert.Throws<ArgumentException>(() => context.AurocColumns(s, 3, 3, ScoreLayout.SampleMajor, y)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => context.AurocColumns(s, 2, 3, ScoreLayout.SampleMajor, y)).ParamName);
        Assert.Equal("layout", Assert.Throws<ArgumentOutOfRangeException>(() => context.AurocColumns(s, 3, 2, (ScoreLayout)5, y)).ParamName);
        ArgumentOutOfRangeException label = Assert.Throws<ArgumentOutOfRangeException>(() => context.AurocColumns(s, 3, 2, ScoreLayout.ColumnMajor, [0, 2, 1]));
        Assert.Equal("labels", label.ParamName);
        Assert.Contains("labels[1]", label.Message, StringComparison.Ordinal);
        Assert.Equal("NanPolicy", Assert.Throws<ArgumentOutOfRangeException>(
            () => context.AurocColumns(s, 3, 2, ScoreLayout.SampleMajor, y, new RankingBatchOptions { NanPolicy = (NanPolicy)9 })).ParamName);

        Assert.Equal("classes", Assert.Throws<ArgumentOutOfRangeException>(() => context.AurocOneVsRest(s, 6, 0, [0, 0, 0, 0, 0, 0])).ParamName);
        Assert.Equal("probabilities", Assert.Throws<ArgumentException>(() => context.AurocOneVsRest(s, 4, 2, [0, 1, 0, 1])).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => context.AurocOneVsRest(s, 3, 2, [0, 1])).ParamName);
        ArgumentOutOfRangeException cls = Assert.Throws<ArgumentOutOfRangeException>(() => context.AurocOneVsRest(s, 3, 2, [0, 1, 2]));
        Assert.Equal("labels", cls.ParamName);
        Assert.Contains("labels[2]", cls.Message, StringComparison.Ordinal);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => context.AurocOneVsRest(s, 3, 2, [0, -1, 1])).ParamName);

        byte[] y6 = [0, 1, 0, 1, 0, 1];
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => context.AurocSegments(s, y, [0, 3])).ParamName);
        Assert.Equal("offsets", Assert.Throws<ArgumentException>(() => context.AurocSegments(s, y6, [0])).ParamName);
        Assert.Equal("offsets", Assert.Throws<ArgumentException>(() => context.AurocSegments(s, y6, ReadOnlySpan<int>.Empty)).ParamName);
        Assert.Equal("offsets", Assert.Throws<ArgumentException>(() => context.AurocSegments(s, y6, [0, 4, 3, 6])).ParamName);
        Assert.Equal("offsets", Assert.Throws<ArgumentOutOfRangeException>(() => context.AurocSegments(s, y6, [0, 7])).ParamName);
        Assert.Equal("offsets", Assert.Throws<ArgumentOutOfRangeException>(() => context.AurocSegments(s, y6, [-1, 6])).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => context.AurocSegments(s, [0, 1, 3, 0, 0, 0], [0, 6])).ParamName);
        Assert.Equal("scores", Assert.Throws<ArgumentException>(() => context.Auroc(ReadOnlySpan<Half>.Empty, [])).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => context.Auroc(new BFloat16[2], [1])).ParamName);
        Assert.Throws<ArgumentNullException>(() => UqOps.AurocSegments(null!, s, y6, [0, 6]));

        // Empty segments are not errors: NaN with status Empty.
        RankingBatchResult empty = context.AurocSegments(s, y6, [2, 2, 6]);
        Assert.Equal([RankingStatus.Empty, RankingStatus.Ok], empty.Status);
        Assert.True(double.IsNaN(empty.Auroc[0]) && double.IsNaN(empty.AveragePrecision[0]));
        Assert.Equal("mode", Assert.Throws<ArgumentOutOfRangeException>(() => empty.AurocAverage((AverageMode)3, true)).ParamName);
    });

    [Fact]
    public void Averages_FollowTheIgnoreUndefinedOption() => Backends.With("cpu", context =>
    {
        // Segment 0: AUROC 1 (n1 = 1), segment 1: AUROC 0.5 (n1 = 3), segment 2: all negative.
        float[] s = [0.1f, 0.9f, 0.5f, 0.5f, 0.5f, 0.5f, 0.3f, 0.4f];
        byte[] y = [0, 1, 1, 1, 1, 0, 0, 0];
        int[] offsets = [0, 2, 6, 8];
        RankingBatchResult strict = context.AurocSegments(s, y, offsets);
        Assert.False(strict.IgnoreUndefined);
        Assert.True(double.IsNaN(strict.MacroAuroc) && double.IsNaN(strict.WeightedAuroc));
        Assert.True(double.IsNaN(strict.MacroAveragePrecision));
        RankingBatchResult lenient = context.AurocSegments(s, y, offsets, new RankingBatchOptions { IgnoreUndefined = true });
        Assert.Equal(0.75, lenient.MacroAuroc);
        Assert.Equal(((1 * 1.0) + (3 * 0.5)) / 4, lenient.WeightedAuroc);
        Assert.Equal((1.0 + 0.75) / 2, lenient.MacroAveragePrecision);
        Assert.Equal(((1 * 1.0) + (3 * 0.75)) / 4, lenient.WeightedAveragePrecision);
        Assert.Equal(RankingStatus.OneClass, lenient[2].Status);
    });

    private static float[] Transpose(float[] rowMajor, int rows, int columns)
    {
        float[] result = new float[rowMajor.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[(c * rows) + i] = rowMajor[(i * columns) + c];
            }
        }

        return result;
    }

    private static void AssertSame(RankingBatchResult expected, RankingBatchResult actual)
    {
        Assert.Equal(expected.NumeratorTwiceU, actual.NumeratorTwiceU);
        Assert.Equal(expected.Positives, actual.Positives);
        Assert.Equal(expected.Negatives, actual.Negatives);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Auroc, actual.Auroc);
        for (int k = 0; k < expected.Count; k++)
        {
            AssertClose(expected.AveragePrecision[k], actual.AveragePrecision[k], 1e-14, $"AP[{k}]");
        }
    }

    /// <summary>Bit-identical on the CPU backend (same scan order); elsewhere AP may differ in the last bits (tree sums).</summary>
    private static void AssertSame(RankingResult expected, RankingResult actual, string backend)
    {
        if (backend == "cpu")
        {
            Assert.Equal(expected, actual);
            return;
        }

        Assert.Equal(expected with { AveragePrecision = 0 }, actual with { AveragePrecision = 0 });
        AssertClose(expected.AveragePrecision, actual.AveragePrecision, 1e-14, "AP");
    }

    private static void AssertClose(double expected, double actual, double tolerance, string what)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual:R}");
            return;
        }

        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: {actual:R} vs {expected:R}");
    }
}
