using System.Numerics;
using System.Runtime.Intrinsics;
using UqKernels.Cpu;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;
using Xunit.Abstractions;

namespace UqKernels.Tests.Entropy;

/// <summary>
/// The CPU row state <see cref="CpuSoftmaxRow"/> at every SIMD width this machine runs natively, against the shared scalar
/// <see cref="SoftmaxRowState{T}.Push"/> on the same row in f64: row lengths 1 … 80 and around the 4,096-element block
/// (every vector tail and the padded short rows), label ties, −∞ entries, exponents past the f32 floor, NaN and +∞.
/// </summary>
public sealed class CpuSoftmaxRowTests(ITestOutputHelper output)
{
    // f32: the SIMD exponential is within ~3 ulp and a lane accumulates at most 256 terms of a 4,096-element block
    // before the f64 carry, so |Δs|/s ≤ 256·6e−8 ≈ 1.5e−5 in the worst case; 2e−5 bounds it. f64: the BCL exponential
    // (~1 ulp) and the same summation bound at 1.1e−16 give 3e−14; 1e−12 leaves room and still catches a lost term.
    private const double SingleTolerance = 2e-5;
    private const double DoubleTolerance = 1e-12;

    private static readonly int[] Lengths = [.. Enumerable.Range(1, 80), 127, 255, 1000, 4095, 4096, 4097, 8200];

    private unsafe delegate SoftmaxRowState<T> RowBuilder<T>(
        ReadOnlySpan<T> row, int rankLabel, int rankLimit, bool sumLogits, void* ahead)
        where T : unmanaged, IFloatingPointIeee754<T>;

    [Fact]
    public unsafe void EverySimdWidthMatchesScalarState()
    {
        int widths = 0;
        if (Simd512<float, Real32>.IsAccelerated)
        {
            widths++;
            CheckWidth<float, Real32>(CpuSoftmaxRow<float, Real32, Vector512<float>, Simd512<float, Real32>>.Build, SingleTolerance);
            CheckWidth<double, Real64>(CpuSoftmaxRow<double, Real64, Vector512<double>, Simd512<double, Real64>>.Build, DoubleTolerance);
        }

        if (Simd256<float, Real32>.IsAccelerated)
        {
            widths++;
            CheckWidth<float, Real32>(CpuSoftmaxRow<float, Real32, Vector256<float>, Simd256<float, Real32>>.Build, SingleTolerance);
            CheckWidth<double, Real64>(CpuSoftmaxRow<double, Real64, Vector256<double>, Simd256<double, Real64>>.Build, DoubleTolerance);
        }

        // The dispatching entry point, whatever width (or the scalar fallback) it picks.
        CheckWidth<float, Real32>(CpuSoftmaxRow.Build<float, Real32>, SingleTolerance);
        output.WriteLine($"native SIMD widths checked: {widths}");
    }

    private static unsafe void CheckWidth<T, TReal>(RowBuilder<T> build, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        var random = new Random(20261124);
        foreach (int length in Lengths)
        {
            foreach (RowKind kind in Enum.GetValues<RowKind>())
            {
                double[] source = MakeRow(random, length, kind);
                T[] row = [.. source.Select(T.CreateTruncating)];
                int label = random.Next(length);
                if (kind == RowKind.LabelTies)
                {
                    row[label] = row[random.Next(length)];
                }

                // Rank limits: top-1, the default top-5, one that stops inside the row, and none.
                int[] limits = [1, 5, 1 + random.Next(length), int.MaxValue];
                // Labels: none, a random column, and the last column holding the maximum (the arg-max, or a tie with it).
                int lastMax = Array.LastIndexOf(row, row.Max());
                foreach ((int rankLabel, bool sumLogits) in new[] { -1, label, lastMax }.SelectMany(l => new[] { (l, false), (l, true) }))
                {
                    foreach (int rankLimit in rankLabel >= 0 ? limits : [0])
                    {
                        SoftmaxRowState<T> actual;
                        fixed (T* ahead = row)
                        {
                            actual = build(row, rankLabel, rankLimit, sumLogits, ahead);
                        }

                        SoftmaxRowState<double> expected = ScalarState(row, rankLabel);
                        string where = $"{typeof(T).Name} length {length}, {kind}, rank label {rankLabel} "
                            + $"(limit {rankLimit}), Σx {sumLogits}";
                        AssertState(expected, actual, rankLabel >= 0 ? rankLimit : -1, sumLogits, tolerance, where);
                    }
                }
            }
        }
    }

    /// <summary>The scalar reference in f64 from the same (already rounded) inputs.</summary>
    private static SoftmaxRowState<double> ScalarState<T>(T[] row, int rankLabel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        SoftmaxRowState<double> state = SoftmaxRowState<double>.Empty;
        double labelLogit = rankLabel >= 0 ? double.CreateTruncating(row[rankLabel]) : 0;
        for (int i = 0; i < row.Length; i++)
        {
            state.Push<Real64>(double.CreateTruncating(row[i]), i, labelLogit, rankLabel);
        }

        return state;
    }

    private static void AssertState<T>(
        SoftmaxRowState<double> expected, SoftmaxRowState<T> actual, int rankLimit, bool summed, double tolerance, string where)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.True(expected.InvalidCount > 0 == actual.InvalidCount > 0, $"{where}: validity");
        if (expected.InvalidCount > 0)
        {
            return;
        }

        // The rank is exact below the limit, and at or above it when the true rank is (rankLimit −1: not ranked).
        if (rankLimit >= 0)
        {
            bool rankHolds = expected.LabelRank < rankLimit
                ? actual.LabelRank == expected.LabelRank
                : actual.LabelRank >= rankLimit;
            Assert.True(rankHolds, $"{where}: rank {actual.LabelRank}, expected {expected.LabelRank}");
        }

        Assert.True(expected.Max == double.CreateTruncating(actual.Max), $"{where}: max");
        Assert.True(expected.SumExp == 0 == (actual.SumExp == T.Zero), $"{where}: empty");
        if (expected.SumExp == 0)
        {
            return;
        }

        Assert.True(expected.Second == double.CreateTruncating(actual.Second), $"{where}: second");
        Assert.True(expected.ArgMax == actual.ArgMax, $"{where}: arg-max {actual.ArgMax}, expected {expected.ArgMax}");
        double s = expected.SumExp;
        AssertClose(s, actual.SumExp, tolerance * s, where + ": s");
        AssertClose(expected.SumShiftedExp, actual.SumShiftedExp, tolerance * (s + Math.Abs(expected.SumShiftedExp)), where + ": t");
        AssertClose(expected.SumExpSquared, actual.SumExpSquared, tolerance * s, where + ": q");
        if (summed)
        {
            double logitScale = Math.Abs(expected.Max) + Math.Abs(expected.SumLogits) + 1;
            AssertClose(expected.SumLogits, actual.SumLogits, tolerance * logitScale * 4, where + ": Σx");
        }
    }

    private static void AssertClose<T>(double expected, T actual, double bound, string where)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double value = double.CreateTruncating(actual);
        Assert.True(value == expected || Math.Abs(value - expected) <= bound, $"{where}: {value:R}, expected {expected:R} (bound {bound:R})");
    }

    private static double[] MakeRow(Random random, int length, RowKind kind)
    {
        double scale = kind == RowKind.WideRange ? 60 : 4;
        double[] row = [.. Enumerable.Range(0, length).Select(_ => scale * ((2 * random.NextDouble()) - 1))];
        int at = random.Next(length);
        switch (kind)
        {
            case RowKind.NegativeInfinity:
                row[at] = double.NegativeInfinity;
                row[random.Next(length)] = double.NegativeInfinity;
                break;
            case RowKind.AllNegativeInfinity:
                Array.Fill(row, double.NegativeInfinity);
                break;
            case RowKind.NaN:
                row[at] = double.NaN;
                break;
            case RowKind.PositiveInfinity:
                row[at] = double.PositiveInfinity;
                break;
            case RowKind.RepeatedMaximum:
                // Integer logits: the maximum and the label's value repeat, at arbitrary lanes.
                for (int i = 0; i < length; i++)
                {
                    row[i] = Math.Round(row[i]);
                }

                break;
        }

        return row;
    }

    private enum RowKind
    {
        Uniform,
        WideRange,
        LabelTies,
        RepeatedMaximum,
        NegativeInfinity,
        AllNegativeInfinity,
        NaN,
        PositiveInfinity,
    }
}
