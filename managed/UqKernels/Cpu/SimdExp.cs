using System.Numerics;
using System.Runtime.CompilerServices;

namespace UqKernels.Cpu;

/// <summary>
/// Lane-wise <c>e^u</c> for the non-positive shifted logits of a softmax row (<c>u = x − max ≤ 0</c>).
/// </summary>
/// <remarks>
/// For f32 the BCL's <c>Vector.Exp</c> evaluates in f64 (accurate but ~3 cycles per element here); this uses the
/// classic f32 reduction <c>u = n·ln2 + r</c>, <c>|r| ≤ ln2/2</c>, a degree-6 Taylor polynomial in Horner form
/// (truncation ≤ r⁷/7! ≈ 1.5e−8 relative, below f32's 6e−8 rounding) and <c>2ⁿ</c> built in the exponent bits: about
/// 2 ulp. Results below <c>e^−87.3</c> (the smallest normal f32) are flushed to 0: every row's maximum contributes
/// exactly 1 to <c>s</c>, so this changes <c>s</c> by less than C·1.2e−38 relative. f64 keeps the BCL's <c>Vector.Exp</c>.
/// The input must not be NaN: the clamp uses the single-instruction <c>MaxNative</c> (the IEEE <c>Vector.Max</c>
/// costs ~6× more here). The type test is a JIT-time constant, so each instantiation keeps one branch.
/// </remarks>
internal static class SimdExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float SmallestNormalExponent = -87.33654f;

    /// <summary><c>e^u</c> for <c>u ≤ 0</c> (any <c>u ≤ −87.34</c>, including −∞ and −MaxValue, gives 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> ExpOfNonPositive<T>(Vector<T> u)
        where T : unmanaged
    {
        if (typeof(T) != typeof(float))
        {
            return Vector.Exp(u.As<T, double>()).As<double, T>();
        }

        Vector<float> x = u.As<T, float>();
        Vector<int> underflow = Vector.LessThan(x, new Vector<float>(SmallestNormalExponent));
        x = Vector.MaxNative(x, new Vector<float>(SmallestNormalExponent));
        Vector<float> n = Vector.Round(x * new Vector<float>(Log2E));
        Vector<float> r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2High), x);
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(-Ln2Low), r);
        Vector<float> p = new(1f / 720f);
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 120f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 24f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 6f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(0.5f));
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        Vector<int> scale = (Vector.ConvertToInt32Native(n) + new Vector<int>(127)) << 23;
        Vector<float> result = p * scale.As<int, float>();
        return Vector.AndNot(result, underflow.As<int, float>()).As<float, T>();
    }
}
