using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using UqKernels.Kernels.Math;

namespace UqKernels.Cpu;

/// <summary>
/// Lane-wise <c>e^u</c> for the non-positive shifted logits of a softmax row (<c>u = x − max ≤ 0</c>).
/// </summary>
/// <remarks>
/// For f32 the BCL's <c>Vector.Exp</c> evaluates in f64 (accurate but ~3 cycles per element here); this uses the
/// classic f32 reduction <c>u = n·ln2 + r</c>, <c>|r| ≤ ln2/2</c>, a degree-6 Taylor polynomial in Horner form
/// (truncation ≤ r⁷/7! ≈ 1.5e−8 relative, below f32's 6e−8 rounding; <c>p(0) = 1</c> exactly, so a row's maximum
/// contributes exactly 1) and <c>2ⁿ</c> applied by <see cref="ISimdWidth{TVector, T}.ScaleByPowerOfTwo"/> (one
/// <c>vscalef</c> with AVX-512): about 2 ulp. <c>r = u − n·ln2</c> is one fused operation with ln2 rounded to f32
/// (1.9e−9 off): that adds <c>|n|·1.9e−9</c> relative error, under 0.5 ulp for <c>u ≥ −20</c> and at most 2.4e−7
/// (2–4 ulp) at the floor, where a term is below 1e−30 of a sum whose largest term is 1; a second, Cody–Waite correction
/// term would cost one more of the pass's vector operations. Results for <c>u ≤ <see cref="Floor{T, TReal}"/> = −87</c>
/// are exactly 0, so no lane ever produces a subnormal (which costs a
/// microcode assist of ~100 cycles on x86 without flush-to-zero): every row's maximum contributes exactly 1 to <c>s</c>,
/// so the flush changes <c>s</c> by less than C·1.7e−38 relative, and <c>−∞</c> logits (clamped to the floor by the
/// caller) contribute exactly 0. f64 keeps the BCL's exponential. The type tests are JIT-time constants.
/// </remarks>
internal static class SimdExp
{
    private const double Log2E = 1.44269504088896341;
    private const double Ln2 = 0.6931471805599453;
    private const double RoundingShifter = 12582912.0;

    // e^−87 ≈ 1.6e−38 is normal; the scaled polynomial then never leaves the normal range.
    private const float SinglePrecisionFloor = -87f;

    /// <summary>
    /// The clamp for shifted logits: <c>u = max(x − m, floor)</c> keeps <c>u·e^u</c> finite for <c>x = −∞</c>, and
    /// <see cref="ExpOfNonPositive{TVector, TSimd, T, TFlush}"/> maps it to exactly 0 (f32: −87; f64: −MaxFinite).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Floor<T, TReal>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        typeof(T) == typeof(float) ? T.CreateTruncating(SinglePrecisionFloor) : -TReal.MaxFinite;

    /// <summary>
    /// <c>e^u</c> per lane for <c>Floor ≤ u ≤ 0</c>. With <typeparamref name="TFlush"/> on, <c>u = Floor</c> gives 0 (the
    /// caller clamps, which it needs anyway for <c>u·e^u</c>); off, the caller guarantees <c>u &gt; Floor</c> and the
    /// flush is skipped. A NaN lane gives 0 with the flush, NaN without.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector ExpOfNonPositive<TVector, TSimd, T, TFlush>(TVector u)
        where TVector : unmanaged
        where T : unmanaged
        where TSimd : ISimdWidth<TVector, T>
        where TFlush : IPassFlag
    {
        if (typeof(T) != typeof(float))
        {
            return TSimd.Exp(u);
        }

        // n = round(u·log2 e): adding 1.5·2²³ leaves the integer part in the low mantissa bits, rounded to nearest even
        // (|u·log2 e| < 2²²), in one fused operation instead of a multiply and a two-uop vrndscale.
        TVector shifter = TSimd.Constant(RoundingShifter);
        TVector n = TSimd.Subtract(TSimd.FusedMultiplyAdd(u, TSimd.Constant(Log2E), shifter), shifter);
        TVector r = TSimd.FusedMultiplyAdd(n, TSimd.Constant(-Ln2), u);
        TVector p = TSimd.Constant(1.0 / 720.0);
        p = TSimd.FusedMultiplyAdd(p, r, TSimd.Constant(1.0 / 120.0));
        p = TSimd.FusedMultiplyAdd(p, r, TSimd.Constant(1.0 / 24.0));
        p = TSimd.FusedMultiplyAdd(p, r, TSimd.Constant(1.0 / 6.0));
        p = TSimd.FusedMultiplyAdd(p, r, TSimd.Constant(0.5));
        p = TSimd.FusedMultiplyAdd(p, r, TSimd.One);
        p = TSimd.FusedMultiplyAdd(p, r, TSimd.One);
        TVector e = TSimd.ScaleByPowerOfTwo(p, n);

        // A zeroing select: one masked vscalef with AVX-512.
        return TFlush.On ? TSimd.ConditionalSelect(TSimd.GreaterThan(u, TSimd.Constant(SinglePrecisionFloor)), e, TSimd.Zero) : e;
    }

    /// <summary>
    /// <c>e^u</c> for any <c>u ≤ 0</c> in <see cref="Vector{T}"/> lanes (<c>u ≤ −87</c> for f32, including −∞, gives 0);
    /// <paramref name="u"/> must not be NaN. Runs <see cref="ExpOfNonPositive{TVector, TSimd, T, TFlush}"/> at
    /// <see cref="Vector{T}"/>'s width, or the BCL's exponential where that width has no accelerated
    /// <see cref="ISimdWidth{TVector, T}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> ExpOfNonPositive<T, TReal>(Vector<T> u)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        u = Vector.MaxNative(u, new Vector<T>(Floor<T, TReal>()));
        if (Vector<T>.Count == Vector256<T>.Count && Simd256<T, TReal>.IsAccelerated)
        {
            return ExpOfNonPositive<Vector256<T>, Simd256<T, TReal>, T, Yes>(u.AsVector256()).AsVector();
        }

        if (Vector<T>.Count == Vector512<T>.Count && Simd512<T, TReal>.IsAccelerated)
        {
            return ExpOfNonPositive<Vector512<T>, Simd512<T, TReal>, T, Yes>(u.AsVector512()).AsVector();
        }

        return typeof(T) == typeof(float)
            ? Vector.Exp(u.As<T, float>()).As<float, T>()
            : Vector.Exp(u.As<T, double>()).As<double, T>();
    }
}
