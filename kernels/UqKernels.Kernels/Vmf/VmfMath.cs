using System.Numerics;
using System.Runtime.CompilerServices;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Vmf;

/// <summary>
/// Per-dimension constants of the von Mises–Fisher family on <c>S^{d−1} ⊂ ℝ^d</c> (vmf_mcinfonce.md §3.2). Build with
/// <see cref="VmfMath.Order{T, TReal}"/> on the host once per launch (d is uniform across a launch) and pass to the
/// kernels as an argument.
/// </summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct VmfOrder<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The dimension <c>d ≥ 2</c> (0 marks an invalid order whose outputs are NaN).</summary>
    public int Dimension;

    /// <summary><c>d</c> in the compute type (NaN when invalid).</summary>
    public T DimensionValue;

    /// <summary>Bessel order <c>ν = d/2 − 1</c> (NaN when invalid).</summary>
    public T Nu;

    /// <summary><c>log C_d(0) = −log|S^{d−1}| = lgamma(d/2) − log 2 − (d/2) log π</c>: the uniform log-density.</summary>
    public T LogNormalizerAtZero;

    /// <summary>
    /// <c>Σ₀* = Σ_k v_k(1)/ν^k</c>, the Debye sum at <c>κ = 0</c>, used to subtract the κ = 0 Debye expression
    /// analytically when <c>ν ≥ R₀</c>; 0 when <c>ν &lt; 4</c>.
    /// </summary>
    public T DebyeSumAtZero;

    /// <summary><c>log1p(Σ₀*)</c>, the log of the κ = 0 Debye factor (0 when <c>ν &lt; 4</c>).</summary>
    public T LogOnePlusDebyeSumAtZero;

    /// <summary><c>log(ν/π)</c> (used by the Debye branch when <c>ν ≥ R₀</c>; NaN when invalid, <c>−∞</c> at d = 2).</summary>
    public T LogNuOverPi;

    /// <summary><c>log(ν/2π)</c> (used by the Debye branch when <c>ν ≥ R₀</c>; NaN when invalid, <c>−∞</c> at d = 2).</summary>
    public T LogNuOverTwoPi;
}

/// <summary>Every κ-dependent scalar of one von Mises–Fisher distribution <c>vMF(μ, κ)</c> on <c>S^{d−1}</c>.</summary>
/// <remarks>
/// <c>C_d(κ) = κ^ν/((2π)^{d/2} I_ν(κ))</c>, <c>A_d(κ) = I_{d/2}(κ)/I_{d/2−1}(κ)</c>. All in nats.
/// </remarks>
/// <typeparam name="T">The compute type.</typeparam>
public struct VmfScalars<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The concentration κ the scalars were evaluated at.</summary>
    public T Kappa;

    /// <summary><c>log C_d(κ)</c>; its κ-derivative is <c>−A</c>.</summary>
    public T LogNormalizer;

    /// <summary><c>ΔL = log C_d(κ) − log C_d(0) = −log ₀F₁(; d/2; κ²/4) ≤ 0</c>.</summary>
    public T LogNormalizerDelta;

    /// <summary><c>log C_d(κ) + κ</c> (the normaliser of <c>e^{κ(μᵀx − 1)}</c>); its κ-derivative is <c>1 − A</c>.</summary>
    public T ScaledLogNormalizer;

    /// <summary><c>A = E[μᵀx] ∈ [0, 1)</c>.</summary>
    public T MeanResultantLength;

    /// <summary><c>1 − A</c>, computed without cancellation where <c>A → 1</c>.</summary>
    public T OneMinusMeanResultantLength;

    /// <summary><c>A′ = dA/dκ = Var(μᵀx) &gt; 0</c>.</summary>
    public T MeanResultantLengthDerivative;

    /// <summary>Differential entropy <c>H = −log C_d(κ) − κA</c>.</summary>
    public T Entropy;

    /// <summary><c>KL(vMF ‖ uniform) = ΔL + κA ≥ 0</c>.</summary>
    public T KlToUniform;

    /// <summary><c>dH/dκ = −κA′</c>.</summary>
    public T EntropyDerivative;

    /// <summary><c>dKL_U/dκ = κA′</c>.</summary>
    public T KlToUniformDerivative;

    /// <summary>
    /// <c>E = logCe(κ) − log C_d(0) = ΔL + κ</c>, computed without the cancellation of <c>ΔL + κ</c> at large κ;
    /// used by the pair functions.
    /// </summary>
    public T ScaledLogNormalizerDelta;

    /// <summary><c>r = √(ν² + κ²)</c> when the Debye expansion was used, 0 when the series was (pair functions).</summary>
    public T DebyeRadius;

    /// <summary>The Debye correction sum <c>Σ₀</c> at κ (0 when the series was used).</summary>
    public T DebyeSum;
}

/// <summary>
/// The running sums of the power-series branch of <see cref="VmfMath.Evaluate{T, TReal}"/> (vmf_mcinfonce.md §3.2):
/// with <c>t_j = q^j/(j!(ν+1)_j)</c>, <c>q = κ²/4</c>, <c>w_j = 1/(ν + 1 + j)</c>.
/// </summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct VmfSeriesSums<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary><c>S₀ − 1 = Σ_{j≥1} t_j</c>.</summary>
    public T Tail;

    /// <summary><c>W = Σ_{j≥0} t_j w_j</c>.</summary>
    public T Weighted;

    /// <summary><c>Σ j t_j</c>.</summary>
    public T Moment;

    /// <summary><c>Σ j t_j w_j</c>.</summary>
    public T WeightedMoment;

    /// <summary><c>Σ t_j w_j (ν + 1 + j − κ/2)</c> (<c>(1 − A)·S₀</c>).</summary>
    public T Complement;
}

/// <summary>
/// The numerically exact scalar core of the von Mises–Fisher family (vmf_mcinfonce.md §1–3): log-normaliser, mean
/// resultant length and its derivative, entropy, KL to uniform, KL between two vMFs, log-density and the expected
/// likelihood kernel, for <c>2 ≤ d ≤ 65 536</c> and <c>0 ≤ κ ≤ 10⁶</c> (and beyond), in f32 and f64.
/// </summary>
/// <remarks>
/// <para>
/// Two regimes with bounded work, no catastrophic cancellation and no special functions beyond
/// <c>log</c>/<c>exp</c>/<c>sqrt</c> (<c>r = √(ν² + κ²)</c>):
/// </para>
/// <list type="bullet">
/// <item><b>Series</b> when <c>r &lt; R₀</c> or <c>κ² ≤ d</c>: the positive power series of <c>₀F₁(; ν+1; κ²/4)</c>
/// and <c>₀F₁(; ν+2; κ²/4)</c> sharing one set of terms, with <c>1 − A</c> summed directly (not as <c>1 − A</c>) and
/// <c>A′</c> from the series or from the Riccati identity, whichever cancels less (at most 45 terms in f64, 19 in
/// f32, loop bound 64).</item>
/// <item><b>Debye</b> otherwise: Olver's uniform expansion of <c>I_ν(κ)</c> with 12 terms written as a series in
/// <c>1/r</c> (valid for large ν <b>or</b> large κ, including d = 2, 3), in which <c>ν log κ</c> cancels
/// analytically, <c>r − κ = ν²/(r + κ)</c> and <c>r − ν = κ²/(r + ν)</c> are never formed by subtraction, and for
/// <c>ν ≥ R₀</c> the κ = 0 Debye expression is subtracted analytically so that ΔL, <c>E = logCe − log C_d(0)</c> and
/// KL stay accurate at d = 65 536, small κ.</item>
/// </list>
/// <para>
/// <c>R₀ = 30</c> for f64 (Debye truncation ~6e−15 relative at r = 30, d = 2) and <c>R₀ = 12</c> for f32 (Debye
/// truncation ~3e−10; below it the series' <c>A′</c> would cancel more). Values and κ-derivatives agree on both sides
/// of the switch to the accuracy of either branch. κ = +∞ gives <c>A = 1</c>, <c>log C = −∞</c>, <c>KL_U = +∞</c>;
/// κ &lt; 0, κ NaN or an invalid order give NaN everywhere.
/// </para>
/// <para>
/// Accuracy against mpmath (tests/data/vmf): f64 log C, ΔL, logCe ≤ 6e−15·max(1, |ref|), A ≤ 8e−16, 1 − A ≤ 4e−14,
/// A′ ≤ 6e−13 relative, H and KL ≤ 3e−14·max(1, |ref|); f32 log C ≤ 3e−6·max(1, |ref|), A ≤ 4e−7, KL ≤ 2e−6. One
/// f32 limit is inherent: where log C crosses 0 at large d it is the difference of two terms of size
/// <c>|ΔL| ≈ |log C_d(0)|</c> (thousands of nats), with the same condition number <c>κA</c>, so f32 resolves it only
/// to ~eps₃₂ times that size; compute in f64 where such values matter.
/// </para>
/// <para>
/// Device rules: static methods only, no allocation/arrays/exceptions/recursion, bounded loops, constants via
/// <see cref="IReal{T}.FromDouble"/>; every function goes through the <c>TReal</c> operator struct. The one exception is
/// <see cref="Order{T, TReal}"/>, which computes in f64 and is meant for the host.
/// </para>
/// </remarks>
public static class VmfMath
{
    /// <summary>Loop bound of the series (never reached inside the series region: ≤ 45 terms in f64, ≤ 19 in f32).</summary>
    public const int MaxSeriesTerms = 64;

    private const double InverseTwoPi = 0.15915494309189533576888376337251;

    /// <summary>
    /// The per-dimension constants of <paramref name="dimension"/> (≥ 2; otherwise an order whose outputs are NaN).
    /// Computed in f64 (via <see cref="SpecialFunctions.LogGamma{T, TReal}"/>) and rounded once to
    /// <typeparamref name="T"/>: call on the host, or on a device with f64 support.
    /// </summary>
    public static VmfOrder<T> Order<T, TReal>(int dimension)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        VmfOrder<T> order;
        if (dimension < 2)
        {
            order.Dimension = 0;
            order.DimensionValue = T.NaN;
            order.Nu = T.NaN;
            order.LogNormalizerAtZero = T.NaN;
            order.DebyeSumAtZero = T.NaN;
            order.LogOnePlusDebyeSumAtZero = T.NaN;
            order.LogNuOverPi = T.NaN;
            order.LogNuOverTwoPi = T.NaN;
            return order;
        }

        double d = dimension;
        double nu = (0.5 * d) - 1.0;
        double logC0 = SpecialFunctions.LogGamma<double, Real64>(0.5 * d)
            - 0.69314718055994530941723212145818
            - (0.5 * d * 1.1447298858494001741434273513531);
        double debyeAtZero = 0.0;
        if (nu >= 4.0)
        {
            VmfDebyeSums.Evaluate<double, Real64>(1.0, 1.0 / nu, out debyeAtZero, out _, out _);
        }

        order.Dimension = dimension;
        order.DimensionValue = TReal.FromDouble(d);
        order.Nu = TReal.FromDouble(nu);
        order.LogNormalizerAtZero = TReal.FromDouble(logC0);
        order.DebyeSumAtZero = TReal.FromDouble(debyeAtZero);
        order.LogOnePlusDebyeSumAtZero = TReal.FromDouble(SpecialFunctions.Log1p<double, Real64>(debyeAtZero));
        double logNu = Real64.Log(nu);
        order.LogNuOverPi = TReal.FromDouble(logNu - 1.1447298858494001741434273513531);
        order.LogNuOverTwoPi = TReal.FromDouble(logNu - 1.8378770664093454835606594728112);
        return order;
    }

    /// <summary>
    /// The series/Debye switch radius <c>R₀</c> of the compute type: 30 for f64, 12 for f32 (and any type whose
    /// <c>1 + 10⁻¹⁰</c> rounds to 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SeriesRadius<T, TReal>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        IsSinglePrecision<T, TReal>() ? TReal.FromDouble(12.0) : TReal.FromDouble(30.0);

    /// <summary>
    /// The κ at which <see cref="Evaluate{T, TReal}"/> switches from the series (below) to the Debye expansion
    /// (above): <c>max(√d, √(R₀² − ν²))</c>, the second only when <c>ν &lt; R₀</c>.
    /// </summary>
    public static T SwitchKappa<T, TReal>(in VmfOrder<T> order)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T r0 = SeriesRadius<T, TReal>();
        T nu = order.Nu;
        T byDimension = TReal.Sqrt(order.DimensionValue);
        if (nu >= r0)
        {
            return byDimension;
        }

        T byRadius = TReal.Sqrt((r0 - nu) * (r0 + nu));
        return byRadius > byDimension ? byRadius : byDimension;
    }

    /// <summary>
    /// True when <see cref="Evaluate{T, TReal}"/> uses the power series at <paramref name="kappa"/> (<c>r &lt; R₀</c> or
    /// <c>κ² ≤ d</c>), false for the Debye expansion; exposed so that tests can probe both sides of the switch.
    /// </summary>
    public static bool UsesSeries<T, TReal>(in VmfOrder<T> order, T kappa)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T nu = order.Nu;
        T kappa2 = kappa * kappa;
        return TReal.Sqrt((nu * nu) + kappa2) < SeriesRadius<T, TReal>() || kappa2 <= order.DimensionValue;
    }

    /// <summary>Every κ-dependent scalar of <c>vMF(·, κ)</c> on <c>S^{d−1}</c> (see <see cref="VmfScalars{T}"/>).</summary>
    /// <param name="order">The dimension's constants from <see cref="Order{T, TReal}"/>.</param>
    /// <param name="kappa">Concentration κ ≥ 0 (+∞ allowed; negative or NaN gives NaN).</param>
    public static VmfScalars<T> Evaluate<T, TReal>(in VmfOrder<T> order, T kappa)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        VmfScalars<T> s = default;
        s.Kappa = kappa;
        if (T.IsNaN(kappa) || kappa < T.Zero || T.IsNaN(order.Nu))
        {
            T nan = T.NaN;
            s.LogNormalizer = nan;
            s.LogNormalizerDelta = nan;
            s.ScaledLogNormalizer = nan;
            s.MeanResultantLength = nan;
            s.OneMinusMeanResultantLength = nan;
            s.MeanResultantLengthDerivative = nan;
            s.Entropy = nan;
            s.KlToUniform = nan;
            s.EntropyDerivative = nan;
            s.KlToUniformDerivative = nan;
            s.ScaledLogNormalizerDelta = nan;
            s.DebyeRadius = nan;
            s.DebyeSum = nan;
            return s;
        }

        if (!TReal.IsFinite(kappa))
        {
            T inf = -T.NegativeInfinity;
            s.LogNormalizer = T.NegativeInfinity;
            s.LogNormalizerDelta = T.NegativeInfinity;
            s.ScaledLogNormalizer = inf;
            s.MeanResultantLength = T.One;
            s.OneMinusMeanResultantLength = T.Zero;
            s.MeanResultantLengthDerivative = T.Zero;
            s.Entropy = T.NegativeInfinity;
            s.KlToUniform = inf;
            s.EntropyDerivative = T.Zero;
            s.KlToUniformDerivative = T.Zero;
            s.ScaledLogNormalizerDelta = inf;
            s.DebyeRadius = T.Zero;
            s.DebyeSum = T.Zero;
            return s;
        }

        T nu = order.Nu;
        T kappa2 = kappa * kappa;
        T r = TReal.Sqrt((nu * nu) + kappa2);
        if (r < SeriesRadius<T, TReal>() || kappa2 <= order.DimensionValue)
        {
            return FromSeriesSums<T, TReal>(order, kappa, SeriesSums<T, TReal>(order, kappa));
        }

        T x = T.One / r;
        T t = nu * x;
        VmfDebyeSums.Evaluate<T, TReal>(t * t, x, out T s0, out T s1, out T s2);
        return FromDebyeSums<T, TReal>(order, kappa, r, s0, s1, s2);
    }

    /// <summary>
    /// The series sums of <see cref="Evaluate{T, TReal}"/>'s series branch at <paramref name="kappa"/> (finite, ≥ 0):
    /// the terms <c>t_j = t_{j−1}·[q/(j(ν + j))]</c>, <c>q = κ²/4</c>, <c>t_j w_j = t_j·[1/(ν + 1 + j)]</c>, summed
    /// until <c>t_j ≤ ε·(1 + Σ t)</c>
    /// (<see cref="SeriesTolerance{T, TReal}"/>) or <see cref="MaxSeriesTerms"/>. Exposed so that a SIMD variant can
    /// form the same sums for several κ at once and finish each with <see cref="FromSeriesSums{T, TReal}"/>.
    /// </summary>
    public static VmfSeriesSums<T> SeriesSums<T, TReal>(in VmfOrder<T> order, T kappa)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T nu = order.Nu;
        T nuPlusOne = nu + T.One;
        T halfKappa = kappa * TReal.FromDouble(0.5);
        T q = halfKappa * halfKappa;
        T tolerance = SeriesTolerance<T, TReal>();
        T w0 = T.One / nuPlusOne;
        T t = T.One;
        VmfSeriesSums<T> sums;
        sums.Tail = T.Zero;                                   // S₀ − 1
        sums.Weighted = w0;                                   // W = Σ t_j w_j
        sums.Moment = T.Zero;                                 // Σ j t_j
        sums.WeightedMoment = T.Zero;                         // Σ j t_j w_j
        sums.Complement = (nuPlusOne - halfKappa) * w0;       // Σ t_j w_j (ν + 1 + j − κ/2)
        for (int j = 1; j <= MaxSeriesTerms; j++)
        {
            // The ratio t_j/t_{j−1} does not depend on t (off the recurrence's critical path), so the recurrence itself
            // is one multiplication per term, with the same two roundings per term as t·q/(j(ν + j)); the weight
            // 1/(ν + 1 + j) depends on j only (a SIMD variant shares it between lanes).
            T jj = TReal.FromInt64(j);
            T ratio = q / (jj * (nu + jj));
            t *= ratio;
            T shifted = nuPlusOne + jj;
            T tw = t * (T.One / shifted);
            sums.Tail += t;
            sums.Weighted += tw;
            sums.Moment += jj * t;
            sums.WeightedMoment += jj * tw;
            sums.Complement += tw * (shifted - halfKappa);
            if (t <= tolerance * (T.One + sums.Tail))
            {
                break;
            }
        }

        return sums;
    }

    /// <summary>
    /// The stopping tolerance of the series: a new term below ε/32 of the sum (2⁻⁵⁸ in f64, 2⁻²⁹ in f32; the 1 − A sum
    /// may be ~60× smaller than S₀). The terms grow until j² ≈ q, so the test cannot fire before the peak.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SeriesTolerance<T, TReal>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        IsSinglePrecision<T, TReal>() ? TReal.FromDouble(1.862645149230957e-9) : TReal.FromDouble(3.469446951953614e-18);

    /// <summary>
    /// Every scalar from the series sums of <see cref="SeriesSums{T, TReal}"/> (series branch, vmf_mcinfonce.md §3.2);
    /// bit-identical to <see cref="Evaluate{T, TReal}"/> when the sums are.
    /// </summary>
    public static VmfScalars<T> FromSeriesSums<T, TReal>(in VmfOrder<T> order, T kappa, in VmfSeriesSums<T> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        VmfScalars<T> s = default;
        s.Kappa = kappa;
        FinishSeries<T, TReal>(order, kappa, sums, ref s);
        Complete(order, kappa, ref s);
        return s;
    }

    /// <summary>
    /// Every scalar from the Debye sums <c>Σ₀, Σ₁, Σ₂</c> (<see cref="VmfDebyeSums"/> at <c>τ = (ν/r)²</c>,
    /// <c>x = 1/r</c>) and <c>r = √(ν² + κ²)</c> (Debye branch, vmf_mcinfonce.md §3.2); bit-identical to
    /// <see cref="Evaluate{T, TReal}"/> when the inputs are.
    /// </summary>
    public static VmfScalars<T> FromDebyeSums<T, TReal>(in VmfOrder<T> order, T kappa, T r, T s0, T s1, T s2)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        VmfScalars<T> s = default;
        s.Kappa = kappa;
        FinishDebye<T, TReal>(order, kappa, r, s0, s1, s2, ref s);
        Complete(order, kappa, ref s);
        return s;
    }

    private static void Complete<T>(in VmfOrder<T> order, T kappa, ref VmfScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        s.Entropy = -order.LogNormalizerAtZero - s.KlToUniform;
        T kappaAPrime = kappa * s.MeanResultantLengthDerivative;
        s.KlToUniformDerivative = kappaAPrime;
        s.EntropyDerivative = -kappaAPrime;
    }

    /// <summary>
    /// <c>log p(x) = log C_d(κ) + κ μᵀx = logCe(κ) − κ·(1 − μᵀx)</c> for unit <c>x</c>, <c>μ</c>.
    /// </summary>
    /// <param name="scalars">The scalars of <c>vMF(μ, κ)</c>.</param>
    /// <param name="oneMinusCosine"><c>1 − μᵀx = ‖x − μ‖²/2</c> (pass the squared-distance form where <c>x ≈ μ</c>
    /// to avoid the cancellation of <c>1 − cos</c>).</param>
    public static T LogDensity<T>(in VmfScalars<T> scalars, T oneMinusCosine)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        scalars.ScaledLogNormalizer - (scalars.Kappa * oneMinusCosine);

    /// <summary><c>∂ log p/∂κ = μᵀx − A = (1 − A) − (1 − μᵀx)</c>.</summary>
    public static T LogDensityDerivativeKappa<T>(in VmfScalars<T> scalars, T oneMinusCosine)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        scalars.OneMinusMeanResultantLength - oneMinusCosine;

    /// <summary>
    /// <c>log C_d(κ₁) − log C_d(κ₂)</c> (same d) without the cancellation of two large log-normalisers: from the
    /// Debye expressions subtracted analytically when both used the Debye branch
    /// (<c>ν log1p(δr/(ν+r₂)) + ½ log1p(δr/r₂) − δr − log1p((Σ₀¹ − Σ₀²)/(1 + Σ₀²))</c>,
    /// <c>δr = r₁ − r₂ = (κ₁ − κ₂)(κ₁ + κ₂)/(r₁ + r₂)</c>), otherwise from <c>ΔL₁ − ΔL₂</c> or <c>E₁ − E₂ − (κ₁ − κ₂)</c>,
    /// whichever has the smaller terms. Finite κ only.
    /// </summary>
    public static T LogNormalizerDifference<T, TReal>(in VmfOrder<T> order, in VmfScalars<T> first, in VmfScalars<T> second)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        NormalizerDifference<T, TReal>(order, first, second, scaled: false);

    /// <summary>
    /// <c>logCe(κ₁) − logCe(κ₂) = log C_d(κ₁) − log C_d(κ₂) + κ₁ − κ₂</c>, as <see cref="LogNormalizerDifference"/> but
    /// with the Debye term <c>−(r − κ) = −ν²/(r + κ)</c> differenced as <c>ν²(δr + δκ)/((r₁+κ₁)(r₂+κ₂))</c>, so that it
    /// stays accurate where both κ are large.
    /// </summary>
    public static T ScaledLogNormalizerDifference<T, TReal>(in VmfOrder<T> order, in VmfScalars<T> first, in VmfScalars<T> second)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        NormalizerDifference<T, TReal>(order, first, second, scaled: true);

    /// <summary>
    /// <c>KL(vMF(μ₁, κ₁) ‖ vMF(μ₂, κ₂)) = log C(κ₁) − log C(κ₂) + A₁(κ₁ − κ₂ μ₁ᵀμ₂)</c> (same d, finite κ), evaluated as
    /// <c>[log C₁ − log C₂] + A₁(κ₁ − κ₂) + κ₂A₁(1 − μ₁ᵀμ₂)</c> when <c>A₁ ≤ ½</c> and as
    /// <c>[logCe₁ − logCe₂] − (1 − A₁)(κ₁ − κ₂) + κ₂A₁(1 − μ₁ᵀμ₂)</c> above, with the differences of
    /// <see cref="LogNormalizerDifference"/> / <see cref="ScaledLogNormalizerDifference"/>: no large constant
    /// (<c>log C_d(0)</c> is 2.7·10⁵ at d = 65 536) and no <c>O(κ)</c> term cancels, and identical distributions give
    /// exactly 0. What remains is the inherent second-order cancellation <c>KL ≈ A′(κ₁ − κ₂)²/2</c> for close κ.
    /// </summary>
    /// <param name="order">The dimension's constants.</param>
    /// <param name="first">Scalars of the first distribution (κ₁).</param>
    /// <param name="second">Scalars of the second distribution (κ₂), same dimension.</param>
    /// <param name="oneMinusCosine"><c>1 − μ₁ᵀμ₂ = ‖μ₁ − μ₂‖²/2</c>.</param>
    public static T KlDivergence<T, TReal>(in VmfOrder<T> order, in VmfScalars<T> first, in VmfScalars<T> second, T oneMinusCosine)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T a1 = first.MeanResultantLength;
        T kappaGap = first.Kappa - second.Kappa;
        T spread = second.Kappa * a1 * oneMinusCosine;
        return a1 <= TReal.FromDouble(0.5)
            ? LogNormalizerDifference<T, TReal>(order, first, second) + (a1 * kappaGap) + spread
            : ScaledLogNormalizerDifference<T, TReal>(order, first, second) - (first.OneMinusMeanResultantLength * kappaGap) + spread;
    }

    /// <summary><c>∂KL/∂κ₁ = A₁′(κ₁ − κ₂ μ₁ᵀμ₂) = A₁′((κ₁ − κ₂) + κ₂(1 − μ₁ᵀμ₂))</c>.</summary>
    public static T KlDivergenceDerivativeKappa1<T>(in VmfScalars<T> first, in VmfScalars<T> second, T oneMinusCosine)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        first.MeanResultantLengthDerivative * ((first.Kappa - second.Kappa) + (second.Kappa * oneMinusCosine));

    /// <summary><c>∂KL/∂κ₂ = A₂ − A₁ μ₁ᵀμ₂ = ((1 − A₁) − (1 − A₂)) + A₁(1 − μ₁ᵀμ₂)</c>.</summary>
    public static T KlDivergenceDerivativeKappa2<T>(in VmfScalars<T> first, in VmfScalars<T> second, T oneMinusCosine)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        (first.OneMinusMeanResultantLength - second.OneMinusMeanResultantLength)
        + (first.MeanResultantLength * oneMinusCosine);

    /// <summary>
    /// Log of the expected-likelihood / probability-product kernel of order ρ between two vMFs of the same d:
    /// <c>log ∫ p₁^ρ p₂^ρ = ρ(log C(κ₁) + log C(κ₂)) − log C(κ₃)</c>, <c>κ₃ = ρ‖κ₁μ₁ + κ₂μ₂‖</c> (ρ = 1: PCL/URL ELK).
    /// </summary>
    /// <remarks>
    /// Evaluated as <c>ρ[logCe₁ − logCe₃] + ρ[logCe₂ − logCe₃] + (2ρ − 1)logCe₃ − ρ((κ₁ + κ₂) − n)</c>,
    /// <c>n = ‖κ₁μ₁ + κ₂μ₂‖</c>, with the differences of <see cref="ScaledLogNormalizerDifference"/>,
    /// <c>(κ₁ + κ₂) − n = 2κ₁κ₂(1 − cos)/((κ₁ + κ₂) + n)</c> and <c>n² = (κ₁ + κ₂)² − 2κ₁κ₂(1 − cos)</c> for cos ≥ 0,
    /// <c>(κ₁ − κ₂)² + 2κ₁κ₂(1 + cos)</c> below: no <c>O(κ)</c> or <c>log C_d(0)</c> cancellation (for ρ = ½ the large
    /// constant drops out exactly); κ₃ → 0 is handled by the series. Finite κ only (an infinite κ gives NaN). The
    /// second difference that remains for ρ ≠ 1 and κ₁ ≈ κ₂ ≈ κ₃ is inherent.
    /// </remarks>
    /// <param name="order">The dimension's constants.</param>
    /// <param name="first">Scalars of the first distribution.</param>
    /// <param name="second">Scalars of the second distribution.</param>
    /// <param name="oneMinusCosine"><c>1 − μ₁ᵀμ₂ ∈ [0, 2]</c>.</param>
    /// <param name="rho">The kernel order ρ &gt; 0.</param>
    public static T ExpectedLikelihoodKernel<T, TReal>(
        in VmfOrder<T> order, in VmfScalars<T> first, in VmfScalars<T> second, T oneMinusCosine, T rho)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T k1 = first.Kappa;
        T k2 = second.Kappa;
        T sum = k1 + k2;
        T twoProduct = (k1 + k1) * k2;
        T norm2 = oneMinusCosine <= T.One
            ? (sum * sum) - (twoProduct * oneMinusCosine)
            : ((k1 - k2) * (k1 - k2)) + (twoProduct * (TReal.FromDouble(2.0) - oneMinusCosine));
        T norm = norm2 > T.Zero ? TReal.Sqrt(norm2) : T.Zero;
        T gap = twoProduct == T.Zero ? T.Zero : twoProduct * oneMinusCosine / (sum + norm);
        VmfScalars<T> third = Evaluate<T, TReal>(order, rho * norm);
        T first3 = ScaledLogNormalizerDifference<T, TReal>(order, first, third);
        T second3 = ScaledLogNormalizerDifference<T, TReal>(order, second, third);
        T lone = ((rho + rho) - T.One) * third.ScaledLogNormalizer;
        return (rho * (first3 + second3)) + lone - (rho * gap);
    }

    private static T NormalizerDifference<T, TReal>(in VmfOrder<T> order, in VmfScalars<T> first, in VmfScalars<T> second, bool scaled)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T k1 = first.Kappa;
        T k2 = second.Kappa;
        T kappaGap = k1 - k2;
        T r1 = first.DebyeRadius;
        T r2 = second.DebyeRadius;
        if (r1 > T.Zero && r2 > T.Zero)
        {
            T nu = order.Nu;
            T radiusGap = kappaGap * (k1 + k2) / (r1 + r2);
            T common = (nu * LogRatio<T, TReal>(nu + r1, nu + r2, radiusGap))
                + (TReal.FromDouble(0.5) * LogRatio<T, TReal>(r1, r2, radiusGap))
                - SpecialFunctions.Log1p<T, TReal>((first.DebyeSum - second.DebyeSum) / (T.One + second.DebyeSum));
            return scaled
                ? common + (nu * nu * (radiusGap + kappaGap) / ((r1 + k1) * (r2 + k2)))
                : common - radiusGap;
        }

        // ΔL₁ − ΔL₂ = E₁ − E₂ − (κ₁ − κ₂): take the one whose terms are smaller (E is small where ΔL ≈ −κ is not,
        // and the reverse at large d).
        T delta = first.LogNormalizerDelta - second.LogNormalizerDelta;
        T deltaSize = TReal.Abs(first.LogNormalizerDelta) + TReal.Abs(second.LogNormalizerDelta);
        T excess = first.ScaledLogNormalizerDelta - second.ScaledLogNormalizerDelta;
        T excessSize = TReal.Abs(first.ScaledLogNormalizerDelta) + TReal.Abs(second.ScaledLogNormalizerDelta);
        T gapSize = TReal.Abs(kappaGap);
        return scaled
            ? (excessSize <= deltaSize + gapSize ? excess : delta + kappaGap)
            : (deltaSize <= excessSize + gapSize ? delta : excess - kappaGap);
    }

    /// <summary>
    /// <c>log(numerator/denominator)</c> given <paramref name="difference"/> <c>= numerator − denominator</c> computed
    /// accurately: <c>log1p(difference/denominator)</c> near 1, the plain ratio where <c>log1p</c> would have to add 1
    /// to a value near −1.
    /// </summary>
    private static T LogRatio<T, TReal>(T numerator, T denominator, T difference)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T x = difference / denominator;
        return TReal.Abs(x) <= TReal.FromDouble(0.5)
            ? SpecialFunctions.Log1p<T, TReal>(x)
            : TReal.Log(numerator / denominator);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSinglePrecision<T, TReal>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        TReal.FromDouble(1.0 + 1e-10) == T.One;

    /// <summary>
    /// Series branch (vmf_mcinfonce.md §3.2) with one set of terms <c>t_j = q^j/(j!(ν+1)_j)</c>, <c>q = κ²/4</c>,
    /// <c>w_j = 1/(ν+1+j)</c> (so that <c>₀F₁(; ν+2; q) = (ν+1)Σ t_j w_j</c> shares the rounding of the t_j):
    /// <c>S₀ = Σ t_j</c>, <c>W = Σ t_j w_j</c>, <c>ΔL = −log1p(S₀ − 1)</c>, <c>A = (κ/2)W/S₀</c>,
    /// <c>1 − A = Σ t_j w_j (ν + 1 + j − κ/2)/S₀</c> (all terms positive when κ &lt; d; otherwise a mild cancellation
    /// instead of the 1/(1 − A) amplification of <c>1 − A</c>), <c>A′ = (W/2S₀)(1 + 2(Σ j t_j w_j/W − Σ j t_j/S₀))</c>
    /// or <c>(1 − A)(1 + A) − (d − 1)W/2S₀</c>.
    /// </summary>
    private static void FinishSeries<T, TReal>(in VmfOrder<T> order, T kappa, in VmfSeriesSums<T> sums, ref VmfScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T halfKappa = kappa * TReal.FromDouble(0.5);
        T tail = sums.Tail;
        T weighted = sums.Weighted;
        T moment = sums.Moment;
        T weightedMoment = sums.WeightedMoment;
        T complement = sums.Complement;
        T sum0 = T.One + tail;
        T delta = -SpecialFunctions.Log1p<T, TReal>(tail);
        T a = halfKappa * weighted / sum0;
        T excess = kappa + delta;
        s.LogNormalizerDelta = delta;
        s.ScaledLogNormalizerDelta = excess;
        s.LogNormalizer = order.LogNormalizerAtZero + delta;
        s.ScaledLogNormalizer = order.LogNormalizerAtZero + excess;
        s.MeanResultantLength = a;
        T oneMinusA = complement / sum0;
        s.OneMinusMeanResultantLength = oneMinusA;
        // A′ two ways, both cancelling: the series form (error ∝ mean j) and the Riccati identity
        // A′ = (1 − A)(1 + A) − (d − 1)A/κ with A/κ = W/2S₀ (good for small d, where 1 − A is accurate and the series
        // form cancels most); take the one whose terms are smaller.
        T halfRatio = weighted / (sum0 + sum0);
        T spread = (weightedMoment / weighted) - (moment / sum0);
        T viaSeries = halfRatio * (T.One + (spread + spread));
        T seriesScale = halfRatio * (T.One + ((moment + moment) / sum0));
        T squareGap = oneMinusA * (T.One + a);
        T drift = (order.DimensionValue - T.One) * halfRatio;
        T identityScale = squareGap + drift;
        s.MeanResultantLengthDerivative = identityScale < seriesScale ? squareGap - drift : viaSeries;
        s.KlToUniform = (kappa * a) + delta;
        s.DebyeRadius = T.Zero;
        s.DebyeSum = T.Zero;
    }

    /// <summary>Debye branch (vmf_mcinfonce.md §3.2), <c>r ≥ R₀</c> and <c>κ² &gt; d</c>.</summary>
    private static void FinishDebye<T, TReal>(in VmfOrder<T> order, T kappa, T r, T s0, T s1, T s2, ref VmfScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T nu = order.Nu;
        T half = TReal.FromDouble(0.5);
        T onePlusS0 = T.One + s0;
        T inverseTwoPi = TReal.FromDouble(InverseTwoPi);
        T nuPlusR = nu + r;
        T rMinusKappa = nu * (nu / (r + kappa));
        T logC0 = order.LogNormalizerAtZero;
        T logC;
        T logCe;
        T delta;
        T excess;
        T logOnePlusS0 = SpecialFunctions.Log1p<T, TReal>(s0);
        if (nu >= SeriesRadius<T, TReal>())
        {
            // Debye(κ) − Debye(0) with r − ν = δ = κ²/(r + ν): ν log((ν+r)/2ν) + ½ log(r/ν) − δ − log((1+Σ₀)/(1+Σ₀*)),
            // and E = ΔL + κ with κ − δ = κ(ν + (r − κ))/(ν + r) formed without cancellation. The two logarithms also
            // give logCe's: log((ν+r)/2π) = log((ν+r)/2ν) + log(ν/π), log(r/2π) = log(r/ν) + log(ν/2π) (per-d
            // constants), so the branch needs no further log.
            T rMinusNu = kappa * (kappa / nuPlusR);
            T logHalfRatio = SpecialFunctions.Log1p<T, TReal>(rMinusNu / (nu + nu));
            T logRatio = SpecialFunctions.Log1p<T, TReal>(rMinusNu / nu);
            logCe = (nu * (logHalfRatio + order.LogNuOverPi)) + (half * (logRatio + order.LogNuOverTwoPi)) - rMinusKappa
                - logOnePlusS0;
            // log((1+Σ₀)/(1+Σ₀*)) = log1p(Σ₀) − log1p(Σ₀*): both are below 1/(8R₀), so the difference's absolute
            // error (~eps/(4R₀)) is far below the ~eps·|ΔL| of the other terms.
            T common = (nu * logHalfRatio)
                + (half * logRatio)
                - (logOnePlusS0 - order.LogOnePlusDebyeSumAtZero);
            delta = common - rMinusNu;
            excess = common + (kappa * ((nu + rMinusKappa) / nuPlusR));
            // log C crosses zero where logC0 ≈ −ΔL: take the sum with the smaller terms.
            logC = TReal.Abs(logCe) + kappa <= TReal.Abs(logC0) + TReal.Abs(delta) ? logCe - kappa : logC0 + delta;
        }
        else
        {
            // ν log(ν + r) + ½ log r − r − (ν + ½) log 2π − log(1 + Σ₀), regrouped as ν log((ν+r)/2π) + ½ log(r/2π) so
            // that no two large terms cancel; + κ folds −r into −(r − κ).
            logCe = (nu * TReal.Log(nuPlusR * inverseTwoPi)) + (half * TReal.Log(r * inverseTwoPi)) - rMinusKappa
                - logOnePlusS0;
            excess = logCe - logC0;
            delta = excess - kappa;
            logC = logCe - kappa;
        }

        T r2 = r * r;
        T kappaOverR2 = kappa / r2;
        T ratio1 = s1 / onePlusS0;
        T correctionFactor = half + ratio1;
        T correction = kappaOverR2 * correctionFactor;
        T a = (kappa / nuPlusR) - correction;
        T oneMinusA = ((nu + rMinusKappa) / nuPlusR) + correction;
        T g = (nu - kappa) * (nu + kappa) / (r2 * r2);
        T curvature = ((s2 * onePlusS0) - (s1 * s1)) / (onePlusS0 * onePlusS0);
        T aPrime = (nu / (r * nuPlusR)) - (g * correctionFactor) + (kappaOverR2 * kappaOverR2 * curvature);

        s.LogNormalizer = logC;
        s.LogNormalizerDelta = delta;
        s.ScaledLogNormalizer = logCe;
        s.MeanResultantLength = a;
        s.OneMinusMeanResultantLength = oneMinusA;
        s.MeanResultantLengthDerivative = aPrime;
        s.ScaledLogNormalizerDelta = excess;
        s.DebyeRadius = r;
        s.DebyeSum = s0;
        s.KlToUniform = kappa <= nu
            ? delta + (kappa * a)
            : excess - (kappa * oneMinusA);
    }
}
