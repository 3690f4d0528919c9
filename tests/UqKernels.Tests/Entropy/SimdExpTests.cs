using System.Numerics;
using System.Runtime.Intrinsics;
using UqKernels.Cpu;
using UqKernels.Kernels.Math;

namespace UqKernels.Tests.Entropy;

/// <summary>
/// The f32 SIMD exponential of the softmax passes (<see cref="SimdExp"/>) at every native width, against f64
/// <see cref="Math.Exp(double)"/> of the same f32 input: its documented bounds (≈ 1.5 ulp, plus <c>|n|·1.9e−9</c> from the
/// one-constant reduction), exactly 1 at 0, and exactly 0 at and below the floor.
/// </summary>
public sealed class SimdExpTests
{
    // The table entry, the polynomial and their product each round once (≤ 1.5 ulp: 9e−8 relative where the mantissa is
    // near 2, 1.8e−7 where it is near 1) and the truncation adds ≤ 9.2e−9. The worst lane of this grid lies between
    // 1.33e−7 (a 1.3e−7 bound fails there) and 1.5e−7 at both widths; the one-constant reduction adds |n|·1.9e−9
    // (2.4e−7 at the floor, n = −126).
    private const double PolynomialBound = 1.5e-7;
    private const double ReductionErrorPerStep = 2.0e-9;

    [Fact]
    public void EveryWidthWithinItsBound()
    {
        if (Simd512<float, Real32>.IsAccelerated)
        {
            Check<Vector512<float>, Simd512<float, Real32>>();
        }

        if (Simd256<float, Real32>.IsAccelerated)
        {
            Check<Vector256<float>, Simd256<float, Real32>>();
        }
    }

    [Fact]
    public void VectorOverloadClampsAnyNonPositiveInput()
    {
        var u = new Vector<float>(float.NegativeInfinity);
        Assert.Equal(Vector<float>.Zero, SimdExp.ExpOfNonPositive<float, Real32>(u));
        Assert.Equal(Vector<float>.One, SimdExp.ExpOfNonPositive<float, Real32>(Vector<float>.Zero));
        Assert.Equal(Vector<float>.Zero, SimdExp.ExpOfNonPositive<float, Real32>(new Vector<float>(-float.MaxValue)));
    }

    private static unsafe void Check<TVector, TSimd>()
        where TVector : unmanaged
        where TSimd : ISimdWidth<TVector, float>
    {
        int width = TSimd.Count;
        float* lanes = stackalloc float[width];
        float* results = stackalloc float[2 * width];
        double worst = 0;

        // A dense grid over (−87, 0] plus the floor, −0 and the neighbours of reduction boundaries.
        float[] inputs = [.. Enumerable.Range(0, 200_000).Select(i => -87f * i / 200_000f), -87f, -0f, -0.34657359f, -0.34657362f];
        for (int start = 0; start < inputs.Length; start += width)
        {
            for (int l = 0; l < width; l++)
            {
                lanes[l] = inputs[Math.Min(start + l, inputs.Length - 1)];
            }

            TVector flushed = SimdExp.ExpOfNonPositive<TVector, TSimd, float, Yes>(TSimd.Load(lanes));
            TVector unflushed = SimdExp.ExpOfNonPositive<TVector, TSimd, float, No>(TSimd.Load(lanes));
            TSimd.Store(flushed, results);
            TSimd.Store(unflushed, results + width);
            for (int l = 0; l < width; l++)
            {
                float u = lanes[l];
                if (u <= -87f)
                {
                    Assert.Equal(0f, results[l]);
                    continue;
                }

                double expected = Math.Exp(u);
                Assert.Equal(results[l], results[width + l]);
                double error = Math.Abs(results[l] - expected) / expected;
                double bound = PolynomialBound + (ReductionErrorPerStep * Math.Abs(Math.Round(u * 1.4426950408889634)));
                worst = Math.Max(worst, error);
                Assert.True(error <= bound, $"e^{u:R} = {results[l]:R}, expected {expected:R} ({error:E2} relative)");
                if (u == 0)
                {
                    Assert.Equal(1f, results[l]);
                }
            }
        }

        Assert.True(worst > 0, "the grid exercised no rounding");
    }
}
