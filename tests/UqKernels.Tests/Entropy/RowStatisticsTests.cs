using FsCheck;
using FsCheck.Fluent;
using UqKernels.Tests.Infrastructure;

namespace UqKernels.Tests.Entropy;

[Collection(BackendCollection.Name)]
public sealed class RowStatisticsTests
{
    public static TheoryData<string> AllBackends => Backends.All;

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void WorkedExample_MatchesSpec(string backend) => Backends.With(backend, context =>
    {
        // uq_metrics.md §1.4: x = [1, 2, 3]; labels 0 (NLL) and 2 (Brier).
        double[] x = [1, 2, 3, 1, 2, 3];
        RowStatisticsValues f64 = RowStatisticsRunner.Run(context, x, new MatrixShape(2, 3), [0, 2]);
        RowStatisticsValues f32 = RowStatisticsRunner.Run(
            context, x.Select(v => (float)v).ToArray(), new MatrixShape(2, 3), [0, 2]);
        foreach ((RowStatisticsValues values, Tolerance tolerance) in new[] { (f64, new Tolerance(1e-9, 0)), (f32, Tolerance.F32) })
        {
            tolerance.AssertClose([3.407605964, 3.407605964], values.Lse, "lse");
            tolerance.AssertClose([0.832395582, 0.832395582], values.Entropy, "entropy");
            tolerance.AssertClose([0.665240956, 0.665240956], values.Msp, "msp");
            tolerance.AssertClose([0.420512485, 0.420512485], values.ProbabilityMargin, "prob_margin");
            Assert.Equal(2.407605964, values.Nll[0], 1e-6);
            Assert.Equal(0.180061146, values.Brier[1], 1e-6);
            Assert.Equal([2, 2], values.ArgMax);
            Assert.Equal([0.0, 1.0], values.Top1);
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ReferenceVectors_MatchScipy(string backend) => Backends.With(backend, context =>
    {
        IReadOnlyList<ReferenceCase> cases = ReferenceCase.Load("single");
        Assert.NotEmpty(cases);
        foreach (ReferenceCase reference in cases)
        {
            int rows = reference.Input("logits").Shape[0];
            int columns = reference.Input("logits").Shape[1];
            if (Backends.IsSlow(backend) && (long)rows * columns > 40_000)
            {
                continue;
            }

            var shape = new MatrixShape(rows, columns);
            int[] labels = reference.Input("labels").ToInt32("labels");
            RowStatisticsOptions options = reference.RowStatisticsOptions();
            RowStatisticsValues actual = reference.DType switch
            {
                "f64" => RowStatisticsRunner.Run(context, reference.Input("logits").As<double>(), shape, labels, options),
                "f16" => RowStatisticsRunner.Run(context, reference.Input("logits").Reinterpret<Half>(), shape, labels, options),
                "bf16" => RowStatisticsRunner.Run(context, reference.Input("logits").Reinterpret<BFloat16>(), shape, labels, options),
                _ => RowStatisticsRunner.Run(context, reference.Input("logits").As<float>(), shape, labels, options),
            };
            Tolerance tolerance = reference.DType == "f64" ? Tolerance.F64 : Tolerance.F32;
            foreach (string name in RowStatisticsValues.FloatOutputNames)
            {
                tolerance.AssertClose(reference.Expected(name), actual[name], $"{reference.Name}/{name} on {backend}");
            }

            Assert.Equal(reference.Input("argmax").ToInt32("argmax"), actual.ArgMax);
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void LengthSweep_HitsEverySimdWidthAndTail(string backend) => Backends.With(backend, context =>
    {
        // Every length 1..80 plus k·16 ± 1 up to 4·4096 + 1 (the CPU block size), so each vector width, each tail
        // and the multi-block path run; the f64 path is checked against a plain f64 oracle.
        IEnumerable<int> lengths = Enumerable.Range(1, 80)
            .Concat(new[] { 127, 128, 129, 255, 256, 257, 1023, 1024, 1025, 4095, 4096, 4097, 8193, 16385 });
        var random = new Random(20261123);
        foreach (int columns in lengths)
        {
            const int Rows = 3;
            double[] logits = Enumerable.Range(0, Rows * columns).Select(_ => (random.NextDouble() * 16) - 8).ToArray();
            int[] labels = Enumerable.Range(0, Rows).Select(r => (r * 7919) % columns).ToArray();
            RowStatisticsValues actual = RowStatisticsRunner.Run(context, logits, new MatrixShape(Rows, columns), labels);
            for (int r = 0; r < Rows; r++)
            {
                var expected = RowStatisticsOracle.Compute(logits.AsSpan(r * columns, columns), labels[r]);
                var tolerance = new Tolerance(1e-12, 1e-12);
                Assert.True(tolerance.Matches(actual.Lse[r], expected.Lse), $"lse C={columns} row {r}");
                Assert.True(tolerance.Matches(actual.Entropy[r], expected.Entropy), $"entropy C={columns} row {r}");
                Assert.True(tolerance.Matches(actual.Msp[r], expected.Msp), $"msp C={columns} row {r}");
                Assert.True(tolerance.Matches(actual.Nll[r], expected.Nll), $"nll C={columns} row {r}");
                Assert.True(tolerance.Matches(actual.Brier[r], expected.Brier), $"brier C={columns} row {r}");
                Assert.Equal(expected.ArgMax, actual.ArgMax[r]);
            }
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void RowStride_ReadsOnlyTheViewedColumns(string backend) => Backends.With(backend, context =>
    {
        // Padding columns hold NaN: if any were read, the row would come out NaN.
        const int Rows = 4, Columns = 5, Stride = 8;
        float[] padded = new float[((Rows - 1) * Stride) + Columns];
        Array.Fill(padded, float.NaN);
        float[] dense = new float[Rows * Columns];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                padded[(r * Stride) + c] = dense[(r * Columns) + c] = (r * 0.5f) - c;
            }
        }

        int[] labels = [0, 1, 2, 3];
        RowStatisticsValues strided = RowStatisticsRunner.Run(context, padded, new MatrixShape(Rows, Columns, Stride), labels);
        RowStatisticsValues reference = RowStatisticsRunner.Run(context, dense, new MatrixShape(Rows, Columns), labels);
        foreach (string name in RowStatisticsValues.FloatOutputNames)
        {
            Assert.Equal(reference[name], strided[name]);
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void InvalidRows_AreNaN_AndDoNotCorruptOtherRows(string backend) => Backends.With(backend, context =>
    {
        float inf = float.PositiveInfinity;
        float[] logits =
        [
            1, 2, 3,
            1, float.NaN, 3,
            1, inf, 3,
            -inf, -inf, -inf,
            -inf, 0, -inf,
            1, 2, 3,
        ];
        RowStatisticsValues values = RowStatisticsRunner.Run(context, logits, new MatrixShape(6, 3), [2, 2, 2, 2, 1, -100]);
        foreach (int invalidRow in new[] { 1, 2, 3 })
        {
            Assert.All(RowStatisticsValues.FloatOutputNames, name => Assert.True(double.IsNaN(values[name][invalidRow]), name));
            Assert.Equal(-1, values.ArgMax[invalidRow]);
        }

        Assert.Equal(values.Lse[0], values.Lse[5]);
        Assert.Equal(values.Entropy[0], values.Entropy[5]);
        Assert.True(double.IsNaN(values.Nll[5]), "an ignored label gives NaN");
        Assert.Equal(0.0, values.Entropy[4]);
        Assert.Equal(0.0, values.Nll[4]);
        Assert.Equal(1.0, values.Msp[4]);
        Assert.Equal(double.PositiveInfinity, values.LogitMargin[4]);
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void HalfAndBFloat16_MatchF32OnTheSameValues(string backend) => Backends.With(backend, context =>
    {
        var random = new Random(7);
        const int Rows = 5, Columns = 37;
        Half[] halves = Enumerable.Range(0, Rows * Columns).Select(_ => (Half)((random.NextDouble() * 20) - 10)).ToArray();
        BFloat16[] brains = halves.Select(h => (BFloat16)(float)h).ToArray();
        int[] labels = [0, 5, 36, 12, 3];
        var shape = new MatrixShape(Rows, Columns);
        RowStatisticsValues fromHalf = RowStatisticsRunner.Run(context, halves, shape, labels);
        RowStatisticsValues fromF32OfHalf = RowStatisticsRunner.Run(context, halves.Select(h => (float)h).ToArray(), shape, labels);
        RowStatisticsValues fromBf16 = RowStatisticsRunner.Run(context, brains, shape, labels);
        RowStatisticsValues fromF32OfBf16 = RowStatisticsRunner.Run(context, brains.Select(b => b.ToSingle()).ToArray(), shape, labels);
        foreach (string name in RowStatisticsValues.FloatOutputNames)
        {
            Assert.Equal(fromF32OfHalf[name], fromHalf[name]);
            Assert.Equal(fromF32OfBf16[name], fromBf16[name]);
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Properties_HoldForRandomRows(string backend)
    {
        // uq_metrics.md §4 items 6–8 on f64 rows: bounds, shift invariance at ±1000, NLL consistency.
        Gen<(int Columns, double[] Row, double Shift)> rows =
            from columns in Gen.Choose(1, 70)
            from row in Gen.ArrayOf(Gen.Choose(-400, 400).Select(v => v / 20.0), columns)
            from shift in Gen.Elements(1000.0, -1000.0)
            select (columns, row, shift);
        Prop.ForAll(rows.ToArbitrary(), sample =>
        {
            bool holds = true;
            Backends.With(backend, context =>
            {
                int c = sample.Columns;
                double[] logits = sample.Row;
                double[] shifted = logits.Select(v => v + sample.Shift).ToArray();
                double[] stacked = [.. Enumerable.Repeat(logits, c).SelectMany(r => r)];
                int[] everyLabel = Enumerable.Range(0, c).ToArray();
                RowStatisticsValues all = RowStatisticsRunner.Run(context, stacked, new MatrixShape(c, c), everyLabel);
                RowStatisticsValues moved = RowStatisticsRunner.Run(context, shifted, new MatrixShape(1, c), [0]);
                double sumOfProbabilities = all.Nll.Sum(nll => Math.Exp(-nll));
                holds = all.Entropy[0] >= -1e-12 && all.Entropy[0] <= Math.Log(c) + 1e-12
                    && Math.Abs(sumOfProbabilities - 1) < 1e-12
                    && all.Nll.All(nll => nll >= -Math.Log(all.Msp[0]) - 1e-12)
                    && all.Brier.All(b => b is >= 0 and <= 2)
                    && Math.Abs(moved.Entropy[0] - all.Entropy[0]) < 1e-9
                    && Math.Abs(moved.Nll[0] - all.Nll[0]) < 1e-9
                    && Math.Abs(moved.Msp[0] - all.Msp[0]) < 1e-12;
            });
            return holds;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Backends.IsSlow(backend) ? 15 : 100).WithQuietOnSuccess(true));
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void AllEqualLogits_GiveLogCAndOneOverC(string backend) => Backends.With(backend, context =>
    {
        foreach (int c in new[] { 1, 2, 10, 1000 })
        {
            RowStatisticsValues values = RowStatisticsRunner.Run(context, new double[c], new MatrixShape(1, c), [c - 1]);
            Assert.Equal(Math.Log(c), values.Entropy[0], 1e-12);
            Assert.Equal(1.0 / c, values.Msp[0], 1e-15);
            Assert.Equal(1 - (1.0 / c), values.Brier[0], 1e-12);
            Assert.Equal(0, values.ArgMax[0]);
            Assert.Equal(c == 1 ? 1.0 : 0.0, values.Top1[0]);
            Assert.Equal(c <= 5 ? 1.0 : 0.0, values.TopK[0]);
        }
    });

    [Fact]
    public void BadInput_IsRejected_WithTheArgumentNamed() => Backends.With("cpu", context =>
    {
        float[] logits = new float[12];
        float[] lse = new float[4];
        void Run(MatrixShape shape, int[]? labels, RowStatisticsOutputs<float> outputs, RowStatisticsOptions? options = null) =>
            context.RowStatistics(logits, shape, labels, outputs, options);

        var shape = new MatrixShape(4, 3);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Run(new MatrixShape(0, 3), null, new() { Lse = lse })).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Run(new MatrixShape(4, 0), null, new() { Lse = lse })).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Run(new MatrixShape(4, 3, 2), null, new() { Lse = lse })).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => Run(new MatrixShape(5, 3), null, new() { Lse = new float[5] })).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => Run(shape, [0, 1, 3, 0], new() { Nll = lse })).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => Run(shape, [0, -1, 0, 0], new() { Nll = lse })).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => Run(shape, [0, 1], new() { Nll = lse })).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => Run(shape, null, new() { Nll = lse })).ParamName);
        Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => Run(shape, null, default)).ParamName);
        Assert.Equal("outputs.Lse", Assert.Throws<ArgumentException>(() => Run(shape, null, new() { Lse = new float[3] })).ParamName);
        Assert.Equal("Temperature", Assert.Throws<ArgumentOutOfRangeException>(
            () => Run(shape, null, new() { Lse = lse }, new() { Temperature = 0 })).ParamName);
        Assert.Equal("Temperature", Assert.Throws<ArgumentOutOfRangeException>(
            () => Run(shape, null, new() { Lse = lse }, new() { Temperature = double.NaN })).ParamName);
        Assert.Equal("TopK", Assert.Throws<ArgumentOutOfRangeException>(
            () => Run(shape, null, new() { Lse = lse }, new() { TopK = 0 })).ParamName);
        Assert.Equal("LabelSmoothing", Assert.Throws<ArgumentOutOfRangeException>(
            () => Run(shape, null, new() { Lse = lse }, new() { LabelSmoothing = 1 })).ParamName);
    });
}

[Collection(BackendCollection.Name)]
public sealed class RowStatisticsOnDeviceTests
{
    public static TheoryData<string> AllBackends => Backends.All;

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void DeviceTensors_ChainWithoutHostRoundTrip_AndMatchHostPath(string backend) => Backends.With(backend, context =>
    {
        const int Rows = 6, Columns = 19;
        var random = new Random(11);
        float[] logits = Enumerable.Range(0, Rows * Columns).Select(_ => (float)((random.NextDouble() * 10) - 5)).ToArray();
        int[] labels = [0, 18, 3, -100, 7, 9];
        using DeviceTensor<float> deviceLogits = context.Upload<float>(logits, Rows, Columns);
        using DeviceTensor<int> deviceLabels = context.Upload<int>(labels, Rows);
        using DeviceTensor<float> entropy = context.Allocate<float>(Rows);
        using DeviceTensor<float> nll = context.Allocate<float>(Rows);
        using DeviceTensor<int> argMax = context.Allocate<int>(Rows);
        var outputs = new RowStatisticsDeviceOutputs<float> { Entropy = entropy, Nll = nll, ArgMax = argMax };
        context.RowStatistics(deviceLogits, deviceLabels, outputs);
        context.RowStatistics(deviceLogits, deviceLabels, outputs);

        RowStatisticsValues host = RowStatisticsRunner.Run(context, logits, new MatrixShape(Rows, Columns), labels);
        Assert.Equal(host.Entropy, entropy.ToArray().Select(v => (double)v));
        Assert.Equal(host.Nll, nll.ToArray().Select(v => (double)v));
        Assert.Equal(host.ArgMax, argMax.ToArray());
    });

    [Fact]
    public void DeviceTensors_FromAnotherContext_AreRejected()
    {
        using UqContext first = UqContext.Create(UqBackend.Cpu);
        using UqContext second = UqContext.Create(UqBackend.Cpu);
        using DeviceTensor<float> logits = first.Allocate<float>(2, 3);
        using DeviceTensor<float> lse = second.Allocate<float>(2);
        var error = Assert.Throws<ArgumentException>(
            () => first.RowStatistics(logits, null, new RowStatisticsDeviceOutputs<float> { Lse = lse }));
        Assert.Equal("outputs.Lse", error.ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(
            () => second.RowStatistics(logits, null, new RowStatisticsDeviceOutputs<float> { Lse = lse })).ParamName);
    }
}
