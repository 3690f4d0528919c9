using UqKernels.Kernels.Math;
using UqKernels.Kernels.Rng;

namespace UqKernels.Tests.Vmf;

/// <summary>
/// Philox4x32-10 against the Random123 known-answer vectors (tests/kat_vectors of Random123 1.09; the same three
/// lines are re-checked by an independent Python implementation in tests/reference/make_vmf_sample_cases.py), and the
/// uniform / normal conversions the sampler uses.
/// </summary>
public sealed class VmfSamplerPhiloxTests
{
    public static TheoryData<uint[], uint[], uint[]> KnownAnswers => new()
    {
        { [0u, 0u, 0u, 0u], [0u, 0u], [0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u] },
        {
            [0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu], [0xffffffffu, 0xffffffffu],
            [0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu]
        },
        {
            [0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u], [0xa4093822u, 0x299f31d0u],
            [0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u]
        },
    };

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void Philox4x32_10_MatchesRandom123KnownAnswers(uint[] counter, uint[] key, uint[] expected)
    {
        PhiloxBlock block = Philox4x32.Generate(counter[0], counter[1], counter[2], counter[3], key[0], key[1]);
        Assert.Equal(expected, new[] { block.X0, block.X1, block.X2, block.X3 });
    }

    [Fact]
    public void Uniforms_StayInsideTheirIntervals()
    {
        Assert.Equal(Math.Pow(2, -32), Philox4x32.UniformOpenClosed<double, Real64>(0));
        Assert.Equal(1.0, Philox4x32.UniformOpenClosed<double, Real64>(uint.MaxValue));
        Assert.True(Philox4x32.UniformOpenClosed<float, Real32>(0) > 0f);
        Assert.Equal(1f, Philox4x32.UniformOpenClosed<float, Real32>(uint.MaxValue));
        Assert.Equal(Math.Pow(2, -53), Philox4x32.UniformOpenClosed53<double, Real64>(0, 0));
        Assert.Equal(1.0, Philox4x32.UniformOpenClosed53<double, Real64>(uint.MaxValue, uint.MaxValue));
        Assert.True(Philox4x32.UniformOpenClosed53<float, Real32>(0, 0) > 0f);

        Assert.Equal(MathF.Pow(2, -24), Philox4x32.UniformOpen32(0));
        Assert.Equal(1f - MathF.Pow(2, -24), Philox4x32.UniformOpen32(uint.MaxValue));
        Assert.True(Philox4x32.UniformOpen32(uint.MaxValue) < 1f);
        Assert.Equal(Math.Pow(2, -53), Philox4x32.UniformOpen64(0, 0));
        Assert.Equal(1.0 - Math.Pow(2, -53), Philox4x32.UniformOpen64(uint.MaxValue, uint.MaxValue));
        Assert.True(Philox4x32.UniformOpen64(uint.MaxValue, uint.MaxValue) < 1.0);
    }

    /// <summary>The polynomial sine/cosine against the BCL on the quadrant edges and on random turn fractions.</summary>
    [Fact]
    public void SinCosTurns_MatchesBclWithinFewUlp()
    {
        var random = new Random(7);
        var words = new List<uint> { 0, 1, 0x1FFFFFFF, 0x20000000, 0x3FFFFFFF, 0x40000000, 0x7FFFFFFF, 0x80000000, 0xBFFFFFFF, 0xDFFFFFFF, 0xE0000000, uint.MaxValue };
        for (int i = 0; i < 20_000; i++)
        {
            words.Add((uint)random.NextInt64(0, 1L << 32));
        }

        double worst64 = 0, worst32 = 0;
        foreach (uint x in words)
        {
            double angle = 2 * Math.PI * (x / 4294967296.0);
            Philox4x32.SinCosTurns<double, Real64>(x, out double s, out double c);
            worst64 = Math.Max(worst64, Math.Max(Math.Abs(s - Math.Sin(angle)), Math.Abs(c - Math.Cos(angle))));
            Philox4x32.SinCosTurns<float, Real32>(x, out float s32, out float c32);
            worst32 = Math.Max(worst32, Math.Max(Math.Abs(s32 - Math.Sin(angle)), Math.Abs(c32 - Math.Cos(angle))));
        }

        Assert.True(worst64 <= 1e-15, $"f64 sin/cos error {worst64:E2}"); // ~4 ulp at 1, incl. the angle's own rounding
        Assert.True(worst32 <= 3e-7, $"f32 sin/cos error {worst32:E2}");  // ~4 ulp at 1
    }

    /// <summary>Box–Muller normals: mean 0, variance 1, kurtosis 3 (5σ bounds) and no pairwise correlation.</summary>
    [Fact]
    public void Normals_HaveStandardMoments()
    {
        const int blocks = 50_000;
        double s1 = 0, s2 = 0, s4 = 0, cross = 0;
        for (uint i = 0; i < blocks; i++)
        {
            NormalQuad<double> z = Philox4x32.Normals<double, Real64>(Philox4x32.Generate(i, 3, 0, 0, 11, 12));
            foreach (double v in new[] { z.Z0, z.Z1, z.Z2, z.Z3 })
            {
                s1 += v;
                s2 += v * v;
                s4 += v * v * v * v;
            }

            cross += (z.Z0 * z.Z1) + (z.Z2 * z.Z3);
        }

        double n = 4.0 * blocks;
        Assert.InRange(s1 / n, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));
        Assert.InRange(s2 / n, 1 - (5 * Math.Sqrt(2 / n)), 1 + (5 * Math.Sqrt(2 / n)));
        Assert.InRange(s4 / n, 3 - (5 * Math.Sqrt(96 / n)), 3 + (5 * Math.Sqrt(96 / n)));
        Assert.InRange(cross / (n / 2), -5 / Math.Sqrt(n / 2), 5 / Math.Sqrt(n / 2));
    }
}
