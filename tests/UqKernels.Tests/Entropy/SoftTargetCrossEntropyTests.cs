using FsCheck;
using FsCheck.Fluent;
using UqKernels.Tests.Infrastructure;

namespace UqKernels.Tests.Entropy;

[Collection(BackendCollection.Name)]
public sealed class SoftTargetCrossEntropyTests
{
    public static TheoryData<string> AllBackends => Backends.All;

    private static double[] Run(UqContext context, float[] logits, float[] targets, MatrixShape shape)
    {
        float[] destination = new float[shape.Rows];
        context.SoftTargetCrossEntropy(logits, targets, shape, destination);
        return destination.Select(v => (double)v).ToArray();
    }

    private static double[] Run(UqContext context, double[] logits, double[] targets, MatrixShape shape)
    {
        double[] destination = new double[shape.Rows];
        context.SoftTargetCrossEntropy(logits, targets, shape, destination);
        return destination;
    }

    /// <summary>A plain f64 oracle: <c>−Σ t log p = Σ_c t_c·(lse − x_c)</c> with a max-shifted lse, and that lse.</summary>
    private static (double CrossEntropy, double Lse) Oracle(ReadOnlySpan<double> x, ReadOnlySpan<double> t)
    {
        double max = double.NegativeInfinity;
        foreach (double v in x)
        {
            max = Math.Max(max, v);
        }

        double s = 0;
        foreach (double v in x)
        {
            s += Math.Exp(v - max);
        }

        double lse = max + Math.Log(s), crossEntropy = 0;
        for (int c = 0; c < x.Length; c++)
        {
            crossEntropy += t[c] == 0 ? 0 : t[c] * (lse - x[c]);
        }

        return (crossEntropy, lse);
    }

    private static double[] Softmax(ReadOnlySpan<double> x)
    {
        double max = double.NegativeInfinity;
        foreach (double v in x)
        {
            max = Math.Max(max, v);
        }

        double[] p = new double[x.Length];
        double s = 0;
        for (int c = 0; c < x.Length; c++)
        {
            s += p[c] = Math.Exp(x[c] - max);
        }

        for (int c = 0; c < x.Length; c++)
        {
            p[c] /= s;
        }

        return p;
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ReferenceVectors_MatchNumpy(string backend) => Backends.With(backend, context =>
    {
        IReadOnlyList<ReferenceCase> cases = ReferenceCase.Load("soft");
        Assert.NotEmpty(cases);
        foreach (ReferenceCase reference in cases)
        {
            IReadOnlyList<int> dims = reference.Input("logits").Shape;
            var shape = new MatrixShape(dims[0], dims[1]);
            double[] expected = reference.Expected("soft_ce");
            double[] actual = Run(context, reference.Input("logits").As<float>(), reference.Input("targets").As<float>(), shape);
            Tolerance.F32.AssertClose(expected, actual, $"{reference.Name} on {backend}");

            // The reference is f64 arithmetic on the exact stored f32 values, so the f64 path must agree to f64 accuracy.
            // The reference is lse − Σ t·x on the stored targets; the op computes −Σ t log p = Σt·lse − Σ t·x
            // (identical when Σt = 1; the dirichlet rows sum to 1 ± 4e−8, a difference far inside Tolerance.F32 above).
            // The f64 path, on the same exact values, must match the reference moved to that definition to f64 accuracy.
            double[] logits = reference.Expected("logits"), targets = reference.Expected("targets");
            double[] moved = new double[shape.Rows];
            for (int r = 0; r < shape.Rows; r++)
            {
                ReadOnlySpan<double> t = targets.AsSpan(r * shape.Columns, shape.Columns);
                double lse = Oracle(logits.AsSpan(r * shape.Columns, shape.Columns), t).Lse;
                moved[r] = expected[r] + ((t.ToArray().Sum() - 1) * lse);
            }

            double[] wide = Run(context, logits, targets, shape);
            Tolerance.F64.AssertClose(moved, wide, $"{reference.Name} (f64) on {backend}");
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void LengthSweep_HitsEverySimdWidthTailAndBlock(string backend) => Backends.With(backend, context =>
    {
        // Every length 1..70 plus block-size neighbours (CPU blocks of 4,096) and one LLM-size row (32,768, §1.8's
        // long-row tolerance), f32 and f64, against the f64 oracle; logits near 1000 exercise the stable form.
        IEnumerable<int> lengths = Enumerable.Range(1, 70).Concat(new[] { 255, 256, 257, 4095, 4096, 4097, 8193, 32_768 });
        var random = new Random(424242);
        foreach (int columns in lengths)
        {
            const int Rows = 2;
            double[] logits = Enumerable.Range(0, Rows * columns)
                .Select(i => (random.NextDouble() * 16) - 8 + (i < columns ? 0 : 1000)).ToArray();
            double[] targets = Enumerable.Range(0, Rows * columns).Select(_ => random.NextDouble()).ToArray();
            for (int r = 0; r < Rows; r++)
            {
                double sum = targets.AsSpan(r * columns, columns).ToArray().Sum();
                for (int c = 0; c < columns; c++)
                {
                    targets[(r * columns) + c] /= sum;
                }
            }

            float[] logits32 = logits.Select(v => (float)v).ToArray();
            float[] targets32 = targets.Select(v => (float)v).ToArray();
            var shape = new MatrixShape(Rows, columns);
            double[] f64 = Run(context, logits, targets, shape);
            double[] f32 = Run(context, logits32, targets32, shape);
            Tolerance f32Tolerance = columns >= 32_000 ? Tolerance.F32LongRows : Tolerance.F32;
            for (int r = 0; r < Rows; r++)
            {
                double expected = Oracle(logits.AsSpan(r * columns, columns), targets.AsSpan(r * columns, columns)).CrossEntropy;
                double expected32 = Oracle(
                    logits32.AsSpan(r * columns, columns).ToArray().Select(v => (double)v).ToArray(),
                    targets32.AsSpan(r * columns, columns).ToArray().Select(v => (double)v).ToArray()).CrossEntropy;
                Assert.True(Tolerance.F64.Matches(f64[r], expected), $"f64 C={columns} row {r}: {f64[r]} vs {expected}");
                Assert.True(f32Tolerance.Matches(f32[r], expected32), $"f32 C={columns} row {r}: {f32[r]} vs {expected32}");
            }
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void OneHotTargets_GiveTheNllOfThatLabel(string backend) => Backends.With(backend, context =>
    {
        const int Columns = 29;
        var random = new Random(17);
        double[] logits = Enumerable.Range(0, Columns * Columns).Select(_ => (random.NextDouble() * 30) - 15).ToArray();
        double[] targets = new double[Columns * Columns];
        int[] labels = Enumerable.Range(0, Columns).ToArray();
        for (int r = 0; r < Columns; r++)
        {
            targets[(r * Columns) + r] = 1;
        }

        var shape = new MatrixShape(Columns, Columns);
        double[] soft = Run(context, logits, targets, shape);
        RowStatisticsValues hard = RowStatisticsRunner.Run(context, logits, shape, labels);
        Tolerance.F64.AssertClose(hard.Nll, soft, "f64 one-hot");

        float[] logits32 = logits.Select(v => (float)v).ToArray();
        double[] soft32 = Run(context, logits32, targets.Select(v => (float)v).ToArray(), shape);
        RowStatisticsValues hard32 = RowStatisticsRunner.Run(context, logits32, shape, labels);
        Tolerance.F32.AssertClose(hard32.Nll, soft32, "f32 one-hot");
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Properties_GibbsInequality_EqualityAtSoftmax_AndShiftInvariance(string backend)
    {
        // For a distribution t and p = softmax(x): CE(t, p) = H(t) + KL(t‖p) ≥ H(t), with equality at t = p, where it
        // is the row's entropy; CE is invariant to adding a constant to the logits (checked at ±1000). f64 path.
        Gen<(int Columns, double[] Row, double[] Weights, double Shift)> rows =
            from columns in Gen.Choose(1, 60)
            from row in Gen.ArrayOf(Gen.Choose(-400, 400).Select(v => v / 20.0), columns)
            from weights in Gen.ArrayOf(Gen.Choose(0, 1000).Select(v => v / 1000.0), columns)
            from shift in Gen.Elements(1000.0, -1000.0)
            select (columns, row, weights, shift);
        Prop.ForAll(rows.ToArbitrary(), sample =>
        {
            bool holds = true;
            Backends.With(backend, context =>
            {
                (int c, double[] x, double[] w, double shift) = sample;
                double total = w.Sum();
                double[] t = total > 0 ? w.Select(v => v / total).ToArray() : Enumerable.Repeat(1.0 / c, c).ToArray();
                double[] p = Softmax(x);
                var shape = new MatrixShape(3, c);
                double[] logits = [.. x, .. x, .. x.Select(v => v + shift)];
                double[] targets = [.. t, .. p, .. t];
                double[] ce = Run(context, logits, targets, shape);
                double entropyOfTargets = -t.Where(v => v > 0).Sum(v => v * Math.Log(v));
                RowStatisticsValues stats = RowStatisticsRunner.Run(context, x, new MatrixShape(1, c), null);
                holds = ce[0] >= entropyOfTargets - 1e-12
                    && Math.Abs(ce[1] - stats.Entropy[0]) <= 1e-12 * (1 + stats.Entropy[0])
                    && Math.Abs(ce[2] - ce[0]) <= 1e-9;
            });
            return holds;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Backends.IsSlow(backend) ? 15 : 100).WithQuietOnSuccess(true));
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void InvalidRows_FollowTheNaNRules_AndDoNotCorruptOtherRows(string backend) => Backends.With(backend, context =>
    {
        float inf = float.PositiveInfinity;
        float[] logits =
        [
            1, 2, 3,
            1, float.NaN, 3,
            1, inf, 3,
            -inf, -inf, -inf,
            1, -inf, 3,
            1, -inf, 3,
            1, 2, 3,
        ];
        float[] targets =
        [
            0.2f, 0.3f, 0.5f,
            0.2f, 0.3f, 0.5f,
            0.2f, 0.3f, 0.5f,
            0.2f, 0.3f, 0.5f,
            0.5f, 0, 0.5f,      // zero target on −∞: contributes nothing
            0.5f, 0.25f, 0.25f, // positive target on −∞: −t·log 0 = +∞
            0.2f, 0.3f, 0.5f,
        ];
        double[] ce = Run(context, logits, targets, new MatrixShape(7, 3));
        Assert.True(double.IsNaN(ce[1]) && double.IsNaN(ce[2]) && double.IsNaN(ce[3]));
        Assert.Equal(ce[0], ce[6]);
        Tolerance.F32.AssertClose([Oracle([1, 2, 3], [0.2f, 0.3f, 0.5f]).CrossEntropy], [ce[0]], "finite row");
        Tolerance.F32.AssertClose([Oracle([1, 3], [0.5, 0.5]).CrossEntropy], [ce[4]], "zero target on −∞");
        Assert.Equal(double.PositiveInfinity, ce[5]);
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void RowStride_ReadsAndChecksOnlyTheViewedColumns(string backend) => Backends.With(backend, context =>
    {
        // Padding holds NaN in the logits and −1 in the targets: reading either would give NaN or an error.
        const int Rows = 4, Columns = 5, Stride = 7;
        float[] paddedLogits = new float[((Rows - 1) * Stride) + Columns];
        float[] paddedTargets = new float[paddedLogits.Length];
        Array.Fill(paddedLogits, float.NaN);
        Array.Fill(paddedTargets, -1f);
        float[] logits = new float[Rows * Columns];
        float[] targets = new float[Rows * Columns];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                paddedLogits[(r * Stride) + c] = logits[(r * Columns) + c] = (r * 0.5f) - c;
                paddedTargets[(r * Stride) + c] = targets[(r * Columns) + c] = (c + r) / 10f;
            }
        }

        double[] strided = Run(context, paddedLogits, paddedTargets, new MatrixShape(Rows, Columns, Stride));
        double[] dense = Run(context, logits, targets, new MatrixShape(Rows, Columns));
        Assert.Equal(dense, strided);
        Assert.DoesNotContain(strided, double.IsNaN);
    });

    [Fact]
    public void BadInput_IsRejected_WithTheArgumentNamed() => Backends.With("cpu", context =>
    {
        var shape = new MatrixShape(2, 3);
        float[] logits = new float[6];
        float[] targets = [0.5f, 0.5f, 0, 1, 0, 0];
        float[] destination = new float[2];
        string? Run(float[]? l = null, float[]? t = null, MatrixShape? s = null, float[]? d = null)
        {
            try
            {
                context.SoftTargetCrossEntropy(l ?? logits, t ?? targets, s ?? shape, d ?? destination);
                return null;
            }
            catch (ArgumentException e)
            {
                return $"{e.GetType().Name}:{e.ParamName}";
            }
        }

        Assert.Null(Run());
        Assert.Equal("ArgumentException:targets", Run(t: new float[5]));
        Assert.Equal("ArgumentException:logits", Run(l: new float[5]));
        Assert.Equal("ArgumentException:logits", Run(s: new MatrixShape(0, 3)));
        Assert.Equal("ArgumentException:logits", Run(s: new MatrixShape(2, 0)));
        Assert.Equal("ArgumentException:logits", Run(s: new MatrixShape(2, 3, 2)));
        Assert.Equal("ArgumentException:destination", Run(d: new float[1]));
        Assert.Equal("ArgumentException:destination", Run(d: []));
        Assert.Equal("ArgumentOutOfRangeException:targets", Run(t: [0.5f, 0.5f, 0, 1, -0.25f, 0.25f]));
        Assert.Equal("ArgumentOutOfRangeException:targets", Run(t: [0.5f, 0.5f, 0, 1, float.NaN, 0]));
        Assert.Equal("ArgumentOutOfRangeException:targets", Run(t: [0.5f, float.PositiveInfinity, 0, 1, 0, 0]));
        Assert.Equal(
            "targets",
            Assert.Throws<ArgumentOutOfRangeException>(
                () => context.SoftTargetCrossEntropy(new double[6], [0, 0, 1, 1, -1e-300, 0], shape, new double[2])).ParamName);
    });
}
