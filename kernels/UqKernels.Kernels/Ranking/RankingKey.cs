using System.Runtime.CompilerServices;

namespace UqKernels.Kernels.Ranking;

/// <summary>
/// Float → order-preserving unsigned keys for the ranking family (uq_metrics.md §2.1), written with integer operations
/// only so the same code runs on the CPU and in ILGPU kernels (CUDA, OpenCL, CPU accelerator).
/// </summary>
/// <remarks>
/// <para>For non-NaN a, b: <c>key(a) &lt; key(b) ⇔ a &lt; b</c> and <c>key(a) = key(b) ⇔ a = b</c>. −0 is canonicalised to
/// +0 first (<c>v = bits(x + 0)</c>), so the two zeros are one key; ±∞ are the extreme non-NaN keys. Then
/// <c>key = v ^ (sign(v) ? all ones : sign bit)</c> (ILGPU's <c>AscendingFloat</c> mapping).</para>
/// <para>NaN keys are meaningless (they land above +∞ or below −∞ depending on the NaN's sign bit, and x86's default
/// NaN is negative while CUDA's is positive): test <see cref="IsNaN(float)"/> before using a key.</para>
/// </remarks>
public static class RankingKey
{
    /// <summary>Mask of the 33 low bits of a packed f32 key <c>(key &lt;&lt; 1) | label</c>.</summary>
    public const ulong PackedMask = (1ul << 33) - 1;

    /// <summary>
    /// The packed f32 value every NaN element is given on the device: the largest 33-bit value, which no non-NaN score
    /// produces (the largest non-NaN key is +∞'s <c>0xFF800000</c>), so NaNs sort to the end of their segment.
    /// </summary>
    public const ulong NaNPacked = PackedMask;

    /// <summary>The 64-bit key every NaN is given on the device (above +∞'s key <c>0xFFF0…0</c>).</summary>
    public const ulong NaNKey64 = ulong.MaxValue;

    /// <summary>The ascending key of an f32 score.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Key(float value)
    {
        uint bits = (uint)BitConverter.SingleToInt32Bits(value);
        bits = (bits & 0x7FFF_FFFFu) == 0 ? 0u : bits; // −0 → +0
        uint mask = (uint)((int)bits >> 31) | 0x8000_0000u;
        return bits ^ mask;
    }

    /// <summary>The ascending key of an f64 score.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Key(double value)
    {
        ulong bits = (ulong)BitConverter.DoubleToInt64Bits(value);
        bits = (bits & 0x7FFF_FFFF_FFFF_FFFFul) == 0 ? 0ul : bits; // −0 → +0
        ulong mask = (ulong)((long)bits >> 63) | 0x8000_0000_0000_0000ul;
        return bits ^ mask;
    }

    /// <summary>
    /// The ascending 16-bit key (in <c>[0, 65536)</c>) of a binary16 or bfloat16 bit pattern: both are sign–magnitude
    /// with the exponent above the mantissa, so one mapping serves both. −0 maps to +0's key <c>0x8000</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Key16(ushort bits)
    {
        int v = (bits & 0x7FFF) == 0 ? 0 : bits;
        int mask = (v & 0x8000) != 0 ? 0xFFFF : 0x8000;
        return v ^ mask;
    }

    /// <summary>True for any f32 NaN (integer test; safe in kernels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNaN(float value) => (BitConverter.SingleToInt32Bits(value) & 0x7FFF_FFFF) > 0x7F80_0000;

    /// <summary>True for any f64 NaN (integer test; safe in kernels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNaN(double value) => (BitConverter.DoubleToInt64Bits(value) & 0x7FFF_FFFF_FFFF_FFFFL) > 0x7FF0_0000_0000_0000L;

    /// <summary>True for a binary16 NaN bit pattern.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNaNHalf(ushort bits) => (bits & 0x7FFF) > 0x7C00;

    /// <summary>True for a bfloat16 NaN bit pattern.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNaNBFloat16(ushort bits) => (bits & 0x7FFF) > 0x7F80;

    /// <summary>
    /// The packed 33-bit sort key <c>(key &lt;&lt; 1) | label</c>: sorting it ascending orders by score and, inside a tie
    /// group, puts every negative before every positive.
    /// </summary>
    public static ulong Pack(uint key, int label) => ((ulong)key << 1) | (uint)label;
}
