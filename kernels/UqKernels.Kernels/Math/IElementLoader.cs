using System.Numerics;

namespace UqKernels.Kernels.Math;

/// <summary>
/// Widens one stored element to the compute type. Storage and compute differ for half precision: f16 and bf16 are
/// stored as their raw 16-bit patterns (ILGPU 1.5.3 cannot compile <see cref="System.Half"/> conversions) and
/// computed in f32.
/// </summary>
/// <typeparam name="TStorage">The element type in memory.</typeparam>
/// <typeparam name="T">The compute type.</typeparam>
public interface IElementLoader<TStorage, T>
    where TStorage : unmanaged
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The stored element, exactly widened to <typeparamref name="T"/>.</summary>
    static abstract T Load(TStorage value);
}

/// <summary>f32 stored, f32 computed.</summary>
public readonly struct LoadF32 : IElementLoader<float, float>
{
    /// <inheritdoc/>
    public static float Load(float value) => value;
}

/// <summary>f64 stored, f64 computed.</summary>
public readonly struct LoadF64 : IElementLoader<double, double>
{
    /// <inheritdoc/>
    public static double Load(double value) => value;
}

/// <summary>bfloat16 bits stored, f32 computed: the bits are the high half of an f32.</summary>
public readonly struct LoadBf16 : IElementLoader<ushort, float>
{
    /// <inheritdoc/>
    public static float Load(ushort value) => BitConverter.Int32BitsToSingle(value << 16);
}

/// <summary>IEEE binary16 bits stored, f32 computed (exact, including subnormals, ±∞ and NaN).</summary>
public readonly struct LoadF16 : IElementLoader<ushort, float>
{
    /// <inheritdoc/>
    public static float Load(ushort value) => HalfBits.ToSingle(value);
}

/// <summary>Exact binary16 → binary32 widening written with integer operations only, so it compiles in ILGPU.</summary>
public static class HalfBits
{
    /// <summary>The binary32 value of the binary16 bit pattern <paramref name="bits"/>.</summary>
    public static float ToSingle(ushort bits)
    {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F)
        {
            // ±∞ keeps a zero mantissa; NaN keeps its payload (shifted into the f32 mantissa).
            return BitConverter.Int32BitsToSingle(sign | 0x7F800000 | (mantissa << 13));
        }

        if (exponent != 0)
        {
            return BitConverter.Int32BitsToSingle(sign | ((exponent + 112) << 23) | (mantissa << 13));
        }

        // Zero or subnormal: value = mantissa · 2^-24, exact in f32.
        float magnitude = mantissa * (1f / 16777216f);
        return sign != 0 ? -magnitude : magnitude;
    }
}
