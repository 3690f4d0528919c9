using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using UqKernels.Kernels.Math;

namespace UqKernels.Cpu;

/// <summary>
/// Lane-wise <c>e^u</c> for the non-positive shifted logits of a softmax row (<c>u = x − max ≤ 0</c>).
/// </summary>
/// <remarks>
/// For f32 the BCL's <c>Vector.Exp</c> evaluates in f64 (accurate but ~3 cycles per element here); this uses a table
/// reduction with as many entries as the vector has lanes (W = 16 at 512 bits, 8 at 256): <c>u·log2 e = k/W + f</c>,
/// <c>e^u = 2^⌊k/W⌋ · 2^((k mod W)/W) · e^r</c> with <c>r = u − (k/W)·ln2</c>, <c>|r| ≤ ln2/(2W)</c>. One fused add of the
/// 1.5·2²³/W shifter rounds <c>W·u·log2 e</c> to k and leaves <c>k mod W</c> in the low mantissa bits, which index the
/// table in one <see cref="ISimdWidth{TVector, T}.Permute"/> (<c>vpermps</c>, the table held in one register);
/// <see cref="ISimdWidth{TVector, T}.ScaleByPowerOfTwo"/> (<c>vscalef</c>) applies <c>2^⌊k/W⌋</c>. The Taylor polynomial of
/// <c>e^r</c> is of degree 3 for W = 16 (truncation ≤ r⁴/4! = 9.2e−9 relative) and 4 for W = 8 (r⁵/5! = 1.3e−9), both
/// below f32's 6e−8 rounding, so the result is within ~1.5 ulp (the table entry, the polynomial and the product each
/// round once); <c>p(0) = 1</c> and entry 0 is 1, so a row's maximum contributes exactly 1. Per 16 lanes this is nine
/// vector operations against ten for the degree-6 polynomial without a table. <c>r</c> is one fused operation with ln2
/// rounded to f32 (1.9e−9 off): that adds <c>|k/W|·1.9e−9</c> relative error, under 0.5 ulp for <c>u ≥ −20</c> and at
/// most 2.4e−7 at the floor, where a term is below 1e−30 of a sum whose largest term is 1; a second, Cody–Waite
/// correction term would cost one more of the pass's vector operations. Results for
/// <c>u ≤ <see cref="Floor{T, TReal}"/> = −87</c> are exactly 0, so no lane ever produces a subnormal (which costs a
/// microcode assist of ~100 cycles on x86 without flush-to-zero): every row's maximum contributes exactly 1 to <c>s</c>,
/// so the flush changes <c>s</c> by less than C·1.7e−38 relative, and <c>−∞</c> logits (clamped to the floor by the
/// caller) contribute exactly 0. f64 keeps the BCL's exponential. The type and width tests are JIT-time constants.
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

        // t = 1.5·2²³/W + u·log2 e rounds to a multiple of 1/W (|u·log2 e| < 2²²/W), so n = t − shifter = k/W exactly and
        // the low bits of t's mantissa are k mod W (the shifter's mantissa is a multiple of W).
        int lanes = TSimd.Count;
        TVector shifter = TSimd.Constant(RoundingShifter / lanes);
        TVector t = TSimd.FusedMultiplyAdd(u, TSimd.Constant(Log2E), shifter);
        TVector n = TSimd.Subtract(t, shifter);
        TVector r = TSimd.FusedMultiplyAdd(n, TSimd.Constant(-Ln2), u);
        TVector p = lanes >= 16
            ? TSimd.FusedMultiplyAdd(TSimd.Constant(1.0 / 6.0), r, TSimd.Constant(0.5))
            : TSimd.FusedMultiplyAdd(
                TSimd.FusedMultiplyAdd(TSimd.Constant(1.0 / 24.0), r, TSimd.Constant(1.0 / 6.0)), r, TSimd.Constant(0.5));
        p = TSimd.FusedMultiplyAdd(p, r, TSimd.One);
        p = TSimd.FusedMultiplyAdd(p, r, TSimd.One);
        TVector fraction = TSimd.Permute(TSimd.FractionalPowersOfTwo, t);
        TVector e = TSimd.ScaleByPowerOfTwo(TSimd.Multiply(p, fraction), n);

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

        // The BCL's exponential: f32 through f64 (its f32 overload returns 1.0000001 at 0, and a row's maximum must count
        // exactly 1), and the floor flushed to 0 as the SIMD paths do (e^−87 ≈ 1.6e−38 otherwise).
        Vector<T> e;
        if (typeof(T) == typeof(float))
        {
            Vector.Widen(u.As<T, float>(), out Vector<double> low, out Vector<double> high);
            e = Vector.Narrow(Vector.Exp(low), Vector.Exp(high)).As<float, T>();
        }
        else
        {
            e = Vector.Exp(u.As<T, double>()).As<double, T>();
        }

        return Vector.ConditionalSelect(Vector.GreaterThan(u, new Vector<T>(Floor<T, TReal>())), e, Vector<T>.Zero);
    }
}
