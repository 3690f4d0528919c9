namespace UqKernels;

/// <summary>
/// A bfloat16 value held as its raw 16 bits: the high half of an IEEE binary32. Widening is exact (<c>bits &lt;&lt; 16</c>);
/// narrowing rounds to nearest, ties to even, and keeps NaN a NaN.
/// </summary>
/// <param name="Bits">The raw bit pattern.</param>
public readonly record struct BFloat16(ushort Bits)
{
    /// <summary>The exact binary32 value.</summary>
    public static explicit operator float(BFloat16 value) => BitConverter.Int32BitsToSingle(value.Bits << 16);

    /// <summary>The nearest bfloat16 (ties to even).</summary>
    public static explicit operator BFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return new BFloat16((ushort)((bits >> 16) | 0x0040));
        }

        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return new BFloat16((ushort)((bits + roundingBias) >> 16));
    }

    /// <summary>The exact binary32 value.</summary>
    public float ToSingle() => (float)this;

    /// <summary>The nearest bfloat16 of <paramref name="value"/>.</summary>
    public static BFloat16 FromSingle(float value) => (BFloat16)value;
}
