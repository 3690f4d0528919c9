using System.Numerics;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Rng;

/// <summary>One Philox4x32 output block: four independent uniformly distributed 32-bit words.</summary>
public struct PhiloxBlock
{
    /// <summary>Word 0.</summary>
    public uint X0;

    /// <summary>Word 1.</summary>
    public uint X1;

    /// <summary>Word 2.</summary>
    public uint X2;

    /// <summary>Word 3.</summary>
    public uint X3;
}

/// <summary>Four standard normal deviates (two Box–Muller pairs from one <see cref="PhiloxBlock"/>).</summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct NormalQuad<T>
    where T : unmanaged
{
    /// <summary>Deviate 0 (<c>r₀ cos θ₀</c>).</summary>
    public T Z0;

    /// <summary>Deviate 1 (<c>r₀ sin θ₀</c>).</summary>
    public T Z1;

    /// <summary>Deviate 2 (<c>r₁ cos θ₁</c>).</summary>
    public T Z2;

    /// <summary>Deviate 3 (<c>r₁ sin θ₁</c>).</summary>
    public T Z3;
}

/// <summary>
/// The counter-based Philox4x32-10 generator (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as
/// 1, 2, 3", SC 2011; the Random123 library) plus the conversions to uniform and normal deviates used by the
/// samplers. Pure scalar integer code: usable on the host and in ILGPU kernels alike, so every backend draws the same
/// bits for the same (counter, key).
/// </summary>
/// <remarks>
/// <para>One call maps a 128-bit counter <c>(c0, c1, c2, c3)</c> and a 64-bit key <c>(k0, k1)</c> to 128 random bits
/// through 10 rounds of <c>(hi(M0·c0) ⊕ c1 ⊕ k0, lo(M1·c2), hi(M1·c2) ⊕ c3 ⊕ k1, lo(M0·c0))</c>
/// with the multipliers <c>M0 = 0xD2511F53</c>, <c>M1 = 0xCD9E8D57</c> and the Weyl key bumps
/// <c>W0 = 0x9E3779B9</c>, <c>W1 = 0xBB67AE85</c> between rounds (Random123 <c>philox.h</c>).</para>
/// <para>Known answers (Random123 <c>tests/kat_vectors</c>, checked in the tests and independently by
/// tests/reference/make_vmf_sample_cases.py): counter 0, key 0 → <c>6627e8d5 e169c58d bc57ac4c 9b00dbd8</c>;
/// all-ones → <c>408f276d 41c83b0e a20bc7c6 6d5451fd</c>; counter <c>243f6a88 85a308d3 13198a2e 03707344</c>, key
/// <c>a4093822 299f31d0</c> → <c>d16cfe09 94fdcceb 5001e420 24126ea1</c>.</para>
/// <para>Uniform conversions: <see cref="UniformOpenClosed{T, TReal}(uint)"/> gives <c>(x + 1)·2⁻³²</c> ∈ (0, 1]
/// (never 0, so its log is finite), <see cref="UniformOpenClosed53{T, TReal}(uint, uint)"/> the 53-bit version, and
/// <see cref="UniformOpen32"/>/<see cref="UniformOpen64"/> exact midpoints strictly inside (0, 1) (never 0 or 1).
/// Normals: Box–Muller <c>r = √(−2 log u₁)</c>, <c>u₁</c> ∈ (0, 1] from one word (so |z| ≤ 6.66, a tail of
/// probability 2.7e−11 is cut), angle <c>2π·x/2³²</c> from another word, with sine and cosine evaluated by
/// <see cref="SinCosTurns{T, TReal}(uint, out T, out T)"/> (integer quadrant reduction and a polynomial: no device
/// <c>sin</c>/<c>cos</c>, identical algebra on every backend).</para>
/// </remarks>
public static class Philox4x32
{
    /// <summary>Round multiplier of words 0/1.</summary>
    public const uint M0 = 0xD2511F53;

    /// <summary>Round multiplier of words 2/3.</summary>
    public const uint M1 = 0xCD9E8D57;

    /// <summary>Weyl increment of key word 0 (golden ratio).</summary>
    public const uint W0 = 0x9E3779B9;

    /// <summary>Weyl increment of key word 1 (√3 − 1).</summary>
    public const uint W1 = 0xBB67AE85;

    /// <summary>The number of rounds (Philox4x32-10).</summary>
    public const int Rounds = 10;

    /// <summary>Philox4x32-10 of counter <c>(c0, c1, c2, c3)</c> under key <c>(k0, k1)</c>.</summary>
    public static PhiloxBlock Generate(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < Rounds; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }

            ulong product0 = (ulong)M0 * c0;
            ulong product1 = (ulong)M1 * c2;
            uint hi0 = (uint)(product0 >> 32);
            uint lo0 = (uint)product0;
            uint hi1 = (uint)(product1 >> 32);
            uint lo1 = (uint)product1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }

        PhiloxBlock block;
        block.X0 = c0;
        block.X1 = c1;
        block.X2 = c2;
        block.X3 = c3;
        return block;
    }

    /// <summary><c>(x + 1)·2⁻³²</c> ∈ (0, 1] rounded to <typeparamref name="T"/>: never 0, so <c>log u</c> is finite (≥ −22.2).</summary>
    public static T UniformOpenClosed<T, TReal>(uint x)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        TReal.FromInt64((long)x + 1) * TReal.FromDouble(2.3283064365386963e-10);

    /// <summary>
    /// <c>(k + 1)·2⁻⁵³</c> ∈ (0, 1] with the 53 bits <c>k = (hi·2²¹) + (lo ≫ 11)</c> (exact in f64; rounded in f32, still
    /// in (0, 1]). <c>log u</c> ≥ −36.8.
    /// </summary>
    public static T UniformOpenClosed53<T, TReal>(uint hi, uint lo)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        long k = ((long)hi << 21) | (long)(lo >> 11);
        return TReal.FromInt64(k + 1) * TReal.FromDouble(1.1102230246251565e-16);
    }

    /// <summary>
    /// An f32 uniform strictly inside (0, 1): <c>(⌊x/2⁹⌋ + ½)·2⁻²³</c>, exact in f32, in <c>[2⁻²⁴, 1 − 2⁻²⁴]</c>: both
    /// <c>log u</c> and <c>log(1 − u)</c> are finite.
    /// </summary>
    public static float UniformOpen32(uint x) => ((x >> 9) + 0.5f) * 1.1920928955078125e-7f;

    /// <summary>
    /// An f64 uniform strictly inside (0, 1): <c>(k + ½)·2⁻⁵²</c> with 52 bits <c>k</c> of <paramref name="hi"/> and
    /// <paramref name="lo"/>, exact in f64, in <c>[2⁻⁵³, 1 − 2⁻⁵³]</c>.
    /// </summary>
    public static double UniformOpen64(uint hi, uint lo)
    {
        long k = ((long)hi << 20) | (long)(lo >> 12);
        return (k + 0.5) * 2.220446049250313e-16;
    }

    /// <summary>
    /// <c>sin(2π·x/2³²)</c> and <c>cos(2π·x/2³²)</c> for a 32-bit turn fraction. The quadrant is taken from the top bits
    /// by integer arithmetic (exact), the remaining angle <c>|θ| ≤ π/4</c> goes through Taylor polynomials to
    /// <c>θ¹⁵</c>/<c>θ¹⁶</c> (truncation below 1e−16 relative), so no device <c>sin</c>/<c>cos</c> is needed.
    /// </summary>
    public static void SinCosTurns<T, TReal>(uint x, out T sine, out T cosine)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        // Round to the nearest quarter turn: x + 2^29 carries into the quadrant bits.
        uint shifted = x + 0x20000000u;
        uint quadrant = shifted >> 30;
        int remainder = (int)(shifted & 0x3FFFFFFFu) - 0x20000000; // in [−2^29, 2^29): at most 1/8 turn
        T theta = TReal.FromInt64(remainder) * TReal.FromDouble(1.4629180792671596e-9); // 2π/2^32
        T t2 = theta * theta;
        T s = TReal.FromDouble(7.647163731819816e-13);                 // 1/15!
        s = (s * t2) - TReal.FromDouble(1.6059043836821613e-10);        // 1/13!
        s = (s * t2) + TReal.FromDouble(2.505210838544172e-8);          // 1/11!
        s = (s * t2) - TReal.FromDouble(2.7557319223985893e-6);         // 1/9!
        s = (s * t2) + TReal.FromDouble(1.984126984126984e-4);          // 1/7!
        s = (s * t2) - TReal.FromDouble(8.333333333333333e-3);          // 1/5!
        s = (s * t2) + TReal.FromDouble(0.16666666666666666);           // 1/3!
        s = theta - ((s * t2) * theta);
        T c = TReal.FromDouble(4.779477332387385e-14);                 // 1/16!
        c = (c * t2) - TReal.FromDouble(1.1470745597729725e-11);        // 1/14!
        c = (c * t2) + TReal.FromDouble(2.08767569878681e-9);           // 1/12!
        c = (c * t2) - TReal.FromDouble(2.755731922398589e-7);          // 1/10!
        c = (c * t2) + TReal.FromDouble(2.48015873015873e-5);           // 1/8!
        c = (c * t2) - TReal.FromDouble(1.388888888888889e-3);          // 1/6!
        c = (c * t2) + TReal.FromDouble(4.1666666666666664e-2);         // 1/4!
        c = (c * t2) - TReal.FromDouble(0.5);                           // 1/2!
        c = T.One + (c * t2);
        switch (quadrant & 3u)
        {
            case 0u:
                sine = s;
                cosine = c;
                break;
            case 1u:
                sine = c;
                cosine = -s;
                break;
            case 2u:
                sine = -s;
                cosine = -c;
                break;
            default:
                sine = -c;
                cosine = s;
                break;
        }
    }

    /// <summary>
    /// Two standard normals by Box–Muller: <c>r = √(−2 log u)</c>, <c>u = (radiusBits + 1)·2⁻³²</c> ∈ (0, 1],
    /// <c>(z₀, z₁) = r·(cos θ, sin θ)</c>, <c>θ = 2π·angleBits/2³²</c>.
    /// </summary>
    public static void BoxMuller<T, TReal>(uint radiusBits, uint angleBits, out T z0, out T z1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T u = UniformOpenClosed<T, TReal>(radiusBits);
        T radius = TReal.Sqrt(TReal.FromDouble(-2.0) * TReal.Log(u));
        SinCosTurns<T, TReal>(angleBits, out T sine, out T cosine);
        z0 = radius * cosine;
        z1 = radius * sine;
    }

    /// <summary>Four standard normals from one block: Box–Muller on words (0, 1) and (2, 3).</summary>
    public static NormalQuad<T> Normals<T, TReal>(in PhiloxBlock block)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        NormalQuad<T> quad;
        BoxMuller<T, TReal>(block.X0, block.X1, out quad.Z0, out quad.Z1);
        BoxMuller<T, TReal>(block.X2, block.X3, out quad.Z2, out quad.Z3);
        return quad;
    }
}
