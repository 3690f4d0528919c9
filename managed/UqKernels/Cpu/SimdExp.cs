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
/// classic f32 reduction <c>u = n·ln2 + r</c>, <c>|r| ≤ ln2/2</c> (Cody–Waite, two constants), a degree-6 Taylor
/// polynomial in Horner form (truncation ≤ r⁷/7! ≈ 1.5e−8 relative, below f32's 6e−8 rounding) and <c>2ⁿ</c> applied by
/// <see cref="ISimdWidth{TVector, T}.ScaleByPowerOfTwo"/> (one <c>vscalef</c> with AVX-512): about 2 ulp. Results for
/// <c>u ≤ <see cref="Floor{T, TReal}"/> = −87</c> are exactly 0, so no lane ever produces a subnormal (which costs a
/// microcode assist of ~100 cycles on x86 without flush-to-zero): every row's maximum contributes exactly 1 to <c>s</c>,
/// so the flush changes <c>s</c> by less than C·1.7e−38 relative, and <c>−∞</c> logits (clamped to the floor by the
/// caller) contribute exactly 0. f64 keeps the BCL's exponential. The type tests are JIT-time constants.
/// </remarks>
internal static class SimdExp
{
    private const double Log2E = 1.44269504088896341;
    private const double Ln2High = 0.693359375;
    private const double Ln2Low = -2.12194440e-4;

    // e^−87 ≈ 1.6e−38 is normal; the scaled polynomial then never leaves the normal range.
    private const float SinglePrecisionFloor = -87f;

    /// <summary>
    /// The clamp for shifted logits: <c>u = max(x − m, floor)</c> keeps <c>u·e^u</c> finite for <c>x = −∞</c>, and
    /// <see cref="ExpOfNonPositive{TVector, TSimd, T}"/> maps it to exactly 0 (f32: −87; f64: −MaxFinite).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Floor<T, TReal>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        typeof(T) == typeof(float) ? T.CreateTruncating(SinglePrecisionFloor) : -TReal.MaxFinite;

    /// <summary>
    /// <c>e^u</c> per lane for <c>Floor ≤ u ≤ 0</c> (<c>u = Floor</c> gives 0; the caller clamps, which it needs anyway for
    /// <c>u·e^u</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector ExpOfNonPositive<TVector, TSimd, T>(TVector u)
        where TVector : unmanaged
        where T : unmanaged
        where TSimd : ISimdWidth<TVector, T>
    {
        if (typeof(T) != typeof(float))
        {
            return TSimd.Exp(u);
        }

        TVector n = TSimd.Round(TSimd.Multiply(u, TSimd.Constant(Log2E)));
        TVector r = TSimd.FusedMultiplyAdd(n, TSimd.Constant(-Ln2High), u);
        r = TSimd.FusedMultiplyAdd(n, TSimd.Constant(-Ln2Low), r);
        TVector p = TSimd.Constant(1.0 / 720.0);
        p = TSimd.FusedMultiplyAdd(p, r, TSimd.Constant(1.0 / 120.0));
        p = TSimd.FusedMultiplyAdd(p, r, TSimd.Constant(1.0 / 24.0));
        p = TSimd.FusedMultiplyAdd(p, r, TSimd.Constant(1.0 / 6.0));
        p = TSimd.FusedMultiplyAdd(p, r, TSimd.Constant(0.5));
        p = TSimd.FusedMultiplyAdd(p, r, TSimd.One);
        p = TSimd.FusedMultiplyAdd(p, r, TSimd.One);
        TVector e = TSimd.ScaleByPowerOfTwo(p, n);
        return TSimd.BitwiseAnd(e, TSimd.GreaterThan(u, TSimd.Constant(SinglePrecisionFloor)));
    }

    /// <summary>
    /// <c>e^u</c> for any <c>u ≤ 0</c> in <see cref="Vector{T}"/> lanes (<c>u ≤ −87</c> for f32, including −∞, gives 0);
    /// <paramref name="u"/> must not be NaN. Runs <see cref="ExpOfNonPositive{TVector, TSimd, T}"/> at
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
            return ExpOfNonPositive<Vector256<T>, Simd256<T, TReal>, T>(u.AsVector256()).AsVector();
        }

        if (Vector<T>.Count == Vector512<T>.Count && Simd512<T, TReal>.IsAccelerated)
        {
            return ExpOfNonPositive<Vector512<T>, Simd512<T, TReal>, T>(u.AsVector512()).AsVector();
        }

        return typeof(T) == typeof(float)
            ? Vector.Exp(u.As<T, float>()).As<float, T>()
            : Vector.Exp(u.As<T, double>()).As<double, T>();
    }
}
