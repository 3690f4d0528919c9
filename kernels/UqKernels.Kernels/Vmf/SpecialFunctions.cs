using System.Numerics;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Vmf;

/// <summary>
/// <c>log1p</c>, <c>expm1</c> and <c>lgamma</c> written over <see cref="IReal{T}"/> primitives, for the CPU path and
/// the ILGPU kernels alike (vmf_mcinfonce.md §3.6). The BCL's <c>LogP1</c>/<c>ExpM1</c> evaluate <c>log(1 + x)</c> and
/// <c>exp(x) − 1</c> naively, and ILGPU has neither.
/// </summary>
/// <remarks>
/// Device rules: static, no allocation, no recursion, bounded loops, constants through
/// <see cref="IReal{T}.FromDouble"/>. The small-argument branches are polynomials (no reliance on the rounding of a
/// device <c>log</c>/<c>exp</c> near 1, and nothing an FMA contraction could spoil). NaN in gives NaN out.
/// </remarks>
public static class SpecialFunctions
{
    /// <summary>
    /// <c>log(1 + x)</c>, relative error a few ulp for all <c>x &gt; −1</c>; <c>−∞</c> at <c>x = −1</c>, NaN below.
    /// </summary>
    /// <remarks>
    /// <c>|x| ≤ 0.375</c>: <c>2·atanh(s) = 2(s + s³/3 + …)</c> with <c>s = x/(2 + x)</c> (<c>|s| ≤ 0.231</c>,
    /// 14 odd terms reach 2⁻⁶⁰; the polynomial in <c>s²</c> by Estrin's scheme). Otherwise
    /// <c>log(u) − ((u − 1) − x)/u</c> with <c>u = 1 + x</c>, which corrects the
    /// rounding of <c>u</c> (exact subtractions by Sterbenz, no product an FMA could contract).
    /// </remarks>
    public static T Log1p<T, TReal>(T x)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        if (TReal.Abs(x) <= TReal.FromDouble(0.375))
        {
            T s = x / (TReal.FromDouble(2.0) + x);
            T y = s * s;
            // P(y) = Σ_{n=0}^{12} yⁿ/(2n+3) by Estrin's scheme (depth 4 instead of Horner's 12: the latency of this
            // function bounds the vMF scalar core), then log1p = 2(s + s·y·P).
            T y2 = y * y;
            T y4 = y2 * y2;
            T y8 = y4 * y4;
            T q0 = TReal.FromDouble(1.0 / 3.0) + (TReal.FromDouble(1.0 / 5.0) * y);
            T q1 = TReal.FromDouble(1.0 / 7.0) + (TReal.FromDouble(1.0 / 9.0) * y);
            T q2 = TReal.FromDouble(1.0 / 11.0) + (TReal.FromDouble(1.0 / 13.0) * y);
            T q3 = TReal.FromDouble(1.0 / 15.0) + (TReal.FromDouble(1.0 / 17.0) * y);
            T q4 = TReal.FromDouble(1.0 / 19.0) + (TReal.FromDouble(1.0 / 21.0) * y);
            T q5 = TReal.FromDouble(1.0 / 23.0) + (TReal.FromDouble(1.0 / 25.0) * y);
            T r0 = q0 + (q1 * y2);
            T r1 = q2 + (q3 * y2);
            T r2 = q4 + (q5 * y2);
            T t0 = r0 + (r1 * y4);
            T t1 = r2 + (TReal.FromDouble(1.0 / 27.0) * y4);
            T p = (t0 + (t1 * y8)) * y * s;
            return (s + p) + (s + p);
        }

        if (T.IsNaN(x) || x < -T.One)
        {
            return T.NaN;
        }

        if (!TReal.IsFinite(x))
        {
            return x;
        }

        T u = T.One + x;
        if (u == T.Zero)
        {
            return T.NegativeInfinity;
        }

        return TReal.Log(u) - (((u - T.One) - x) / u);
    }

    /// <summary><c>e^x − 1</c>, relative error a few ulp for all <c>x</c>; <c>−1</c> for very negative <c>x</c>.</summary>
    /// <remarks>
    /// <c>|x| &lt; 0.5</c>: Taylor series to <c>x¹⁸/18!</c> (truncation &lt; 2⁻⁶⁶ relative) by Horner. Otherwise
    /// <c>exp(x) − 1</c>, whose rounding is at most ~2.5 ulp there because <c>e^x − 1</c> is not small.
    /// </remarks>
    public static T Expm1<T, TReal>(T x)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        if (TReal.Abs(x) < TReal.FromDouble(0.5))
        {
            // x·Σ_{k=0}^{17} x^k/(k+1)!
            T p = TReal.FromDouble(1.0 / 6402373705728000.0);
            p = (p * x) + TReal.FromDouble(1.0 / 355687428096000.0);
            p = (p * x) + TReal.FromDouble(1.0 / 20922789888000.0);
            p = (p * x) + TReal.FromDouble(1.0 / 1307674368000.0);
            p = (p * x) + TReal.FromDouble(1.0 / 87178291200.0);
            p = (p * x) + TReal.FromDouble(1.0 / 6227020800.0);
            p = (p * x) + TReal.FromDouble(1.0 / 479001600.0);
            p = (p * x) + TReal.FromDouble(1.0 / 39916800.0);
            p = (p * x) + TReal.FromDouble(1.0 / 3628800.0);
            p = (p * x) + TReal.FromDouble(1.0 / 362880.0);
            p = (p * x) + TReal.FromDouble(1.0 / 40320.0);
            p = (p * x) + TReal.FromDouble(1.0 / 5040.0);
            p = (p * x) + TReal.FromDouble(1.0 / 720.0);
            p = (p * x) + TReal.FromDouble(1.0 / 120.0);
            p = (p * x) + TReal.FromDouble(1.0 / 24.0);
            p = (p * x) + TReal.FromDouble(1.0 / 6.0);
            p = (p * x) + TReal.FromDouble(0.5);
            return x + ((p * x) * x);
        }

        if (T.IsNaN(x))
        {
            return x;
        }

        return TReal.Exp(x) - T.One;
    }

    /// <summary>
    /// <c>log Γ(x)</c> for <c>x &gt; 0</c> (NaN for <c>x ≤ 0</c> or NaN, <c>+∞</c> for <c>+∞</c>); absolute error
    /// ≲ 4e−15 (f64) near the zeros at 1 and 2, relative error a few ulp elsewhere.
    /// </summary>
    /// <remarks>
    /// <c>x ≥ 10</c>: Stirling series <c>(x − ½) log x − x + ½ log 2π + Σ_{k=1}^{8} B_{2k}/(2k(2k−1)x^{2k−1})</c>
    /// (truncation &lt; 2e−18 at <c>x = 10</c>). <c>x &lt; 10</c>: shifted up with
    /// <c>log Γ(x) = log Γ(x + n) − log(x(x+1)…(x+n−1))</c>, <c>n ≤ 10</c> (the product cannot overflow).
    /// </remarks>
    public static T LogGamma<T, TReal>(T x)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        if (T.IsNaN(x) || x <= T.Zero)
        {
            return T.NaN;
        }

        if (!TReal.IsFinite(x))
        {
            return x;
        }

        T ten = TReal.FromDouble(10.0);
        T y = x;
        T product = T.One;
        for (int i = 0; i < 11 && y < ten; i++)
        {
            product *= y;
            y += T.One;
        }

        T inverse = T.One / y;
        T inverse2 = inverse * inverse;
        T series = TReal.FromDouble(-3617.0 / 122400.0);
        series = (series * inverse2) + TReal.FromDouble(1.0 / 156.0);
        series = (series * inverse2) + TReal.FromDouble(-691.0 / 360360.0);
        series = (series * inverse2) + TReal.FromDouble(1.0 / 1188.0);
        series = (series * inverse2) + TReal.FromDouble(-1.0 / 1680.0);
        series = (series * inverse2) + TReal.FromDouble(1.0 / 1260.0);
        series = (series * inverse2) + TReal.FromDouble(-1.0 / 360.0);
        series = (series * inverse2) + TReal.FromDouble(1.0 / 12.0);
        series *= inverse;
        T halfLogTwoPi = TReal.FromDouble(0.91893853320467274178032973640562);
        T stirling = ((y - TReal.FromDouble(0.5)) * TReal.Log(y)) - y + halfLogTwoPi + series;
        return product == T.One ? stirling : stirling - TReal.Log(product);
    }
}
