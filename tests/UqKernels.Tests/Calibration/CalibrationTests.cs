using FsCheck;
using FsCheck.Fluent;
using UqKernels.Kernels.Calibration;
using UqKernels.Kernels.Math;
using UqKernels.Tests.Infrastructure;

namespace UqKernels.Tests.Calibration;

[Collection(BackendCollection.Name)]
public sealed class CalibrationTests
{
    public static TheoryData<string> AllBackends => Backends.All;

    private static readonly string[] OutputNames = ["ece", "mce", "binary_log_prob", "binary_brier"];

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ReferenceVectors_MatchNumpy(string backend) => Backends.With(backend, context =>
    {
        IReadOnlyList<ReferenceCase> cases = ReferenceCase.Load("ece");
        Assert.NotEmpty(cases);
        foreach (ReferenceCase reference in cases)
        {
            float[] confidence = reference.Input("confidence").As<float>();
            float[] correct = reference.Input("correct").As<float>();
            var options = new CalibrationOptions
            {
                Bins = reference.MetaInt("bins", 15),
                Binning = ParseBinning(reference.Meta.GetProperty("variant").GetString()!),
                IncludeBins = true,
            };
            AssertEdgesMatch(reference, options.Bins);
            CalibrationResult result = context.Calibration(confidence, correct, options);

            // f64 sums of ≤ 1000 terms: the F64 tolerance (1e−12) leaves ample room (see the report of measured errors).
            foreach (string name in OutputNames)
            {
                Tolerance.F64.AssertClose(reference.Expected(name), [Value(result, name)], $"{reference.Name}/{name} on {backend}");
            }

            Assert.Equal(confidence.Length, result.Count);
            long binned = result.BinCounts!.Sum();
            int slots = options.Binning == CalibrationBinning.TorchMetrics ? options.Bins + 1 : options.Bins;
            Assert.Equal(slots, result.BinCounts!.Count);
            int unbinned = options.Binning == CalibrationBinning.Guo ? confidence.Count(k => k == 0f) : 0;
            Assert.Equal(confidence.Length - unbinned, binned);

            // The same values as f64 give the same answers wherever no κ sits on an f32 edge (f64 edges differ there).
            if (!reference.Name.Contains("edges", StringComparison.Ordinal) && !reference.Name.Contains("k10", StringComparison.Ordinal))
            {
                CalibrationResult wide = context.Calibration(
                    confidence.Select(v => (double)v).ToArray(), correct.Select(v => (double)v).ToArray(), options);
                foreach (string name in OutputNames)
                {
                    Tolerance.F64.AssertClose(reference.Expected(name), [Value(wide, name)], $"{reference.Name}/{name} f64 on {backend}");
                }
            }
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void BinaryLogProb_ClampsInFloat64_NotWithFloat32Bounds(string backend) => Backends.With(backend, context =>
    {
        // κ = 1 and wrong: the f64 clamp gives ln(1 − (1 − 1e−7)) ≈ ln(1e−7) = −16.118 (1 − 1e−7 is rounded in f64, as in
        // the numpy reference); float32 bounds would give ln(2⁻²³) = −15.942.
        ReferenceCase reference = ReferenceCase.Load("ece").Single(c => c.Name == "ece/n1_kappa1_torchmetrics");
        CalibrationResult result = context.Calibration([1f], [0f], new CalibrationOptions { Binning = CalibrationBinning.TorchMetrics });
        Assert.Equal(Math.Log(1 - (1 - 1e-7)), result.BinaryLogProb, 1e-12);
        Assert.Equal(reference.Expected("binary_log_prob")[0], result.BinaryLogProb, 1e-12);
        Assert.NotEqual(reference.Expected("binary_log_prob_f32clamp")[0], result.BinaryLogProb, 1e-3);
        Assert.Equal(1.0, result.Ece);
        Assert.Equal(1.0, result.Mce);
        Assert.Equal(-1.0, result.BinaryBrier);
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void HandWorkedExample_MatchesDefinitions(string backend) => Backends.With(backend, context =>
    {
        // K = 2 (edges 0, 0.5, 1). Untangle: bin 0 = {0.2, 0.5}, bin 1 = {0.7, 1.0};
        // torchmetrics: bin 0 = {0.2}, bin 1 = {0.5, 0.7}, bin 2 = {1.0}; Guo: like untangle (no κ = 0 here).
        double[] kappa = [0.2, 0.5, 0.7, 1.0];
        double[] c = [0, 1, 1, 0];
        CalibrationResult untangle = context.Calibration(kappa, c, new CalibrationOptions { Bins = 2, IncludeBins = true });
        Assert.Equal([2L, 2L], untangle.BinCounts!);
        Assert.Equal(0.35, untangle.BinConfidence![0], 1e-15);
        Assert.Equal(0.85, untangle.BinConfidence![1], 1e-15);
        Assert.Equal([0.5, 0.5], untangle.BinAccuracy!);
        Assert.Equal((0.5 * 0.15) + (0.5 * 0.35), untangle.Ece, 1e-15);
        Assert.Equal(0.35, untangle.Mce, 1e-15);
        double logProb = (Math.Log(1 - 0.2) + Math.Log(0.5) + Math.Log(0.7) + Math.Log(1 - (1 - 1e-7))) / 4;
        Assert.Equal(logProb, untangle.BinaryLogProb, 1e-14);
        Assert.Equal(-((0.04 + 0.25 + 0.09 + 1.0) / 4), untangle.BinaryBrier, 1e-15);

        CalibrationResult torch = context.Calibration(
            kappa, c, new CalibrationOptions { Bins = 2, Binning = CalibrationBinning.TorchMetrics, IncludeBins = true });
        Assert.Equal([1L, 2L, 1L], torch.BinCounts!);
        Assert.Equal((0.25 * 0.2) + (0.5 * 0.4) + (0.25 * 1.0), torch.Ece, 1e-15);
        Assert.Equal(1.0, torch.Mce);
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ManySamples_MatchAnIndependentOracle_AndRepeatBitwise(string backend) => Backends.With(backend, context =>
    {
        // Enough samples for several CPU chunks / device groups (fewer on the slow ILGPU CPU accelerator).
        // The slow ILGPU CPU accelerator runs one bin count per variant (its group simulation dominates the test time).
        bool slow = Backends.IsSlow(backend);
        int n = slow ? 10_000 : 200_000;
        var random = new Random(11);
        float[] kappa = Enumerable.Range(0, n).Select(i => i % 97 == 0 ? (float)(i % 3) / 2 : (float)random.NextDouble()).ToArray();
        float[] c = kappa.Select(k => random.NextDouble() < k ? 1f : 0f).ToArray();
        CalibrationBinning[] variants = Enum.GetValues<CalibrationBinning>();
        foreach ((CalibrationBinning binning, int bins) in variants.SelectMany((v, i) => new[] { 1, 15, 100 }
            .Where((_, j) => !slow || i == j).Select(bins => (v, bins))))
        {
            var options = new CalibrationOptions { Bins = bins, Binning = binning };
            CalibrationResult first = context.Calibration(kappa, c, options);
            CalibrationResult second = context.Calibration(kappa, c, options);
            Assert.Equal(first.Ece, second.Ece);
            Assert.Equal(first.Mce, second.Mce);
            Assert.Equal(first.BinaryLogProb, second.BinaryLogProb);
            Assert.Equal(first.BinaryBrier, second.BinaryBrier);

            (double ece, double mce, double logProb, double brier) = Oracle(kappa, c, bins, binning);
            var tolerance = new Tolerance(1e-12, 1e-12);
            Assert.True(tolerance.Matches(first.Ece, ece), $"ECE {binning} K={bins}: {first.Ece:R} vs {ece:R}");
            Assert.True(tolerance.Matches(first.Mce, mce), $"MCE {binning} K={bins}: {first.Mce:R} vs {mce:R}");
            Assert.True(tolerance.Matches(first.BinaryLogProb, logProb), $"log-prob {binning} K={bins}");
            Assert.True(tolerance.Matches(first.BinaryBrier, brier), $"Brier {binning} K={bins}");
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Properties_HoldForRandomSamples(string backend)
    {
        // uq_metrics.md §4 items 4 and 11: 0 ≤ ECE ≤ MCE ≤ 1, κ = c ∈ {0, 1} ⇒ ECE = 0, permutation invariance.
        Gen<(float[] Kappa, float[] Correct, int Bins, CalibrationBinning Binning, int Seed)> samples =
            from n in Gen.Choose(1, 60)
            from kappa in Gen.ArrayOf(Gen.Choose(0, 20).Select(v => v / 20f), n)
            from soft in Gen.Elements(true, false)
            from correct in Gen.ArrayOf(soft ? Gen.Choose(0, 8).Select(v => v / 8f) : Gen.Choose(0, 1).Select(v => (float)v), n)
            from bins in Gen.Choose(1, 20)
            from binning in Gen.Elements(Enum.GetValues<CalibrationBinning>())
            from seed in Gen.Choose(0, 1000)
            select (kappa, correct, bins, binning, seed);
        Prop.ForAll(samples.ToArbitrary(), sample =>
        {
            bool holds = true;
            Backends.With(backend, context =>
            {
                var options = new CalibrationOptions { Bins = sample.Bins, Binning = sample.Binning };
                CalibrationResult result = context.Calibration(sample.Kappa, sample.Correct, options);
                var shuffle = new Random(sample.Seed);
                int[] order = Enumerable.Range(0, sample.Kappa.Length).OrderBy(_ => shuffle.Next()).ToArray();
                CalibrationResult permuted = context.Calibration(
                    order.Select(i => sample.Kappa[i]).ToArray(), order.Select(i => sample.Correct[i]).ToArray(), options);
                float[] exact = sample.Kappa.Select(k => k >= 0.5f ? 1f : 0f).ToArray();
                CalibrationResult perfect = context.Calibration(exact, exact, options);
                holds = result.Ece >= 0 && result.Ece <= result.Mce + 1e-15 && result.Mce <= 1
                    && Math.Abs(permuted.Ece - result.Ece) <= 1e-14
                    && Math.Abs(permuted.Mce - result.Mce) <= 1e-14
                    && Math.Abs(permuted.BinaryLogProb - result.BinaryLogProb) <= 1e-12
                    && perfect.Ece == 0 && perfect.Mce == 0
                    && result.BinaryBrier is >= -1 and <= 0;
            });
            return holds;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Backends.IsSlow(backend) ? 15 : 100).WithQuietOnSuccess(true));
    }

    [Fact]
    public void BadInput_IsRejected_WithTheArgumentNamed() => Backends.With("cpu", context =>
    {
        float[] kappa = [0.1f, 0.9f];
        float[] c = [0f, 1f];
        string Thrown<TException>(float[] k, float[] y, CalibrationOptions? options = null)
            where TException : ArgumentException =>
            Assert.Throws<TException>(() => context.Calibration(k, y, options)).ParamName!;

        Assert.Equal("confidence", Thrown<ArgumentException>([], []));
        Assert.Equal("correct", Thrown<ArgumentException>(kappa, [1f]));
        Assert.Equal("confidence", Thrown<ArgumentException>([0.1f, float.NaN], c));
        Assert.Equal("correct", Thrown<ArgumentException>(kappa, [float.NaN, 1f]));
        Assert.Equal("confidence", Thrown<ArgumentOutOfRangeException>([0.1f, 1.5f], c));
        Assert.Equal("confidence", Thrown<ArgumentOutOfRangeException>([-0.1f, 0.5f], c));
        Assert.Equal("confidence", Thrown<ArgumentOutOfRangeException>([float.PositiveInfinity, 0.5f], c));
        Assert.Equal("correct", Thrown<ArgumentOutOfRangeException>(kappa, [0f, 2f]));
        Assert.Equal("correct", Thrown<ArgumentOutOfRangeException>(kappa, [-1e-9f, 1f]));
        Assert.Equal("Bins", Thrown<ArgumentOutOfRangeException>(kappa, c, new() { Bins = 0 }));
        Assert.Equal("Bins", Thrown<ArgumentOutOfRangeException>(kappa, c, new() { Bins = 1025 }));
        Assert.Equal("Binning", Thrown<ArgumentOutOfRangeException>(kappa, c, new() { Binning = (CalibrationBinning)7 }));
        Assert.Equal("confidence", Assert.Throws<ArgumentException>(
            () => context.Calibration(new double[] { double.NaN }, new double[] { 1 })).ParamName);
        Assert.Null(context.Calibration(kappa, c).BinCounts);
        Assert.NotNull(context.Calibration(kappa, c, new() { Bins = 1024 }));
    });

    [Fact]
    public void Edges_RoundedThroughFloat64_EqualFloat32Division()
    {
        // The kernels compute e_k as float32(float64(k)/K): equal to float32(k)/float32(K) for every supported K.
        for (int bins = 1; bins <= CalibrationBins.MaxBins; bins++)
        {
            for (int k = 0; k <= bins; k++)
            {
                float expected = (float)k / bins;
                Assert.Equal(expected, CalibrationBins.Edge<float, Real32>(k, bins));
            }
        }
    }

    private static double Value(CalibrationResult result, string name) => name switch
    {
        "ece" => result.Ece,
        "mce" => result.Mce,
        "binary_log_prob" => result.BinaryLogProb,
        "binary_brier" => result.BinaryBrier,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown output."),
    };

    private static CalibrationBinning ParseBinning(string variant) => variant switch
    {
        "untangle" => CalibrationBinning.Untangle,
        "torchmetrics" => CalibrationBinning.TorchMetrics,
        "guo" => CalibrationBinning.Guo,
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "Unknown variant."),
    };

    /// <summary>The case's recorded f32 edges are exactly float32(k)/float32(K), the edges the kernel compares against.</summary>
    private static void AssertEdgesMatch(ReferenceCase reference, int bins)
    {
        float[] recorded = reference.Meta.GetProperty("edges_f32").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        Assert.Equal(Enumerable.Range(0, bins + 1).Select(k => (float)k / bins).ToArray(), recorded);
    }

    /// <summary>A direct transcription of the three binning rules over explicit float32 edges, with f64 sums.</summary>
    private static (double Ece, double Mce, double LogProb, double Brier) Oracle(
        float[] kappa, float[] correct, int bins, CalibrationBinning binning)
    {
        float[] edges = Enumerable.Range(0, bins + 1).Select(k => (float)k / bins).ToArray();
        int slots = binning == CalibrationBinning.TorchMetrics ? bins + 1 : bins;
        double[] n = new double[slots], sumK = new double[slots], sumC = new double[slots];
        double logProb = 0, brier = 0;
        for (int i = 0; i < kappa.Length; i++)
        {
            float v = kappa[i];
            int bin;
            if (binning == CalibrationBinning.Untangle)
            {
                // Number of inner edges e_1..e_{K−1} strictly below κ.
                bin = 0;
                for (int k = 1; k < bins; k++)
                {
                    bin += edges[k] < v ? 1 : 0;
                }
            }
            else if (binning == CalibrationBinning.TorchMetrics)
            {
                // Number of edges e_0..e_K at or below κ, minus one.
                bin = -1;
                for (int k = 0; k <= bins; k++)
                {
                    bin += edges[k] <= v ? 1 : 0;
                }
            }
            else
            {
                // The k with e_k < κ ≤ e_{k+1}, if any.
                bin = -1;
                for (int k = 0; k < bins && bin < 0; k++)
                {
                    bin = edges[k] < v && v <= edges[k + 1] ? k : -1;
                }
            }

            if (bin >= 0)
            {
                n[bin]++;
                sumK[bin] += v;
                sumC[bin] += correct[i];
            }

            double clamped = Math.Clamp((double)v, 1e-7, 1 - 1e-7);
            logProb += (correct[i] * Math.Log(clamped)) + ((1 - correct[i]) * Math.Log(1 - clamped));
            brier += ((double)v * v) + correct[i] - (2.0 * v * correct[i]);
        }

        double ece = 0, mce = 0;
        for (int k = 0; k < slots; k++)
        {
            if (n[k] > 0)
            {
                double gap = Math.Abs((sumC[k] / n[k]) - (sumK[k] / n[k]));
                ece += n[k] / kappa.Length * gap;
                mce = Math.Max(mce, gap);
            }
        }

        return (ece, mce, logProb / kappa.Length, -brier / kappa.Length);
    }
}
