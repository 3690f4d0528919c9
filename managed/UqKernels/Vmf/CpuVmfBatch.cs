using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;

namespace UqKernels;

/// <summary>
/// <see cref="Vector256{T}"/> lanes for <see cref="VmfDebyeSums.EvaluateLanes{TLane, TLanes}"/>: element-wise IEEE
/// multiplication and addition (the JIT never fuses them), constants rounded as <see cref="IReal{T}.FromDouble"/> does.
/// </summary>
internal readonly struct Vector256Lanes<T, TReal> : IVmfLanes<Vector256<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TReal : struct, IReal<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> a, Vector256<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Constant(double value) => Vector256.Create(TReal.FromDouble(value));
}

/// <summary>
/// The vMF scalars of a batch of κ (one d) on the CPU, several κ per SIMD vector: the κ of a block are sorted into the
/// series and the Debye branch of <see cref="VmfMath.Evaluate{T, TReal}"/> (series κ further by how many terms they
/// need, so that the lanes of a vector stop together); per branch, <see cref="Vector256{T}"/> lanes form the branch's
/// sums (the series recurrence with per-lane stopping, or the 12-term Debye sums through the shared
/// <see cref="VmfDebyeSums.EvaluateLanes{TLane, TLanes}"/>) and its finish (<see cref="VmfMath.FromSeriesSums{T, TReal}"/>,
/// <see cref="VmfMath.FromDebyeSums{T, TReal}"/>) with <c>log1p</c>'s polynomial in lanes and <c>log</c> per lane.
/// </summary>
/// <remarks>
/// Every lane performs exactly the scalar core's sequence of correctly rounded IEEE operations (the series loop and the
/// two finishes below mirror <see cref="VmfMath"/> operation for operation; a lane that has converged is frozen by
/// masking exactly where the scalar loop breaks; the JIT never contracts a multiplication and an addition), so every
/// written output is bit-identical to <see cref="VmfMath.Evaluate{T, TReal}"/> — tested by
/// VonMisesFisherOpTests.CpuPath_BitIdenticalToScalarCore over d = 2 … 65 536, κ = 0 … 10⁶, f32 and f64, with and
/// without the A′ outputs. A change to the scalar core must be mirrored here (that test fails otherwise). When no A′
/// output is requested, the sums only A′ needs are skipped. κ that are NaN, negative or infinite, and machines without
/// 256-bit SIMD, take the scalar core directly. The ILGPU kernels call the scalar core. The methods are compiled fully
/// optimised on first use (no tiering): tier-0 code of SIMD-heavy generics is several times slower, and the first
/// calls of a batch would pay for it.
/// </remarks>
internal static unsafe class CpuVmfBatch
{
    /// <summary>κ classified per block (stack buffers of this many indices per list).</summary>
    private const int BlockSize = 256;

    /// <summary>Series κ lists per block, by the number of terms they need.</summary>
    private const int SeriesBuckets = 4;

    /// <summary><c>1/(2π)</c>, as <see cref="VmfMath"/> rounds it.</summary>
    private const double InverseTwoPi = 0.15915494309189533576888376337251;

    /// <summary>The argument bound of <see cref="SpecialFunctions.Log1p{T, TReal}"/>'s polynomial branch.</summary>
    private const double Log1pPolynomialLimit = 0.375;

    /// <summary>
    /// Layout of the j-only series factors: <c>j</c>, <c>j(ν + j)</c>, <c>1/(ν + 1 + j)</c> at offsets 0, this
    /// and twice this, for j = 1 … <see cref="VmfMath.MaxSeriesTerms"/>.
    /// </summary>
    private const int FactorStride = VmfMath.MaxSeriesTerms + 1;

    /// <summary>Evaluates <c>kappa[start..end)</c> and writes element <c>i</c> through <paramref name="destinations"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T, TReal>(in VmfOrder<T> order, T* kappa, int start, int end, in VmfDestinations<T> destinations)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        if (!Vector256.IsHardwareAccelerated || !Vector256<T>.IsSupported || T.IsNaN(order.Nu))
        {
            for (int i = start; i < end; i++)
            {
                destinations.Write(i, VmfMath.Evaluate<T, TReal>(order, kappa[i]));
            }

            return;
        }

        // Series κ go to one of four lists by q/(ν + 1) = κ²/(4(ν + 1)), which sets how many terms they need, so that
        // the lanes of a vector stop at similar j.
        int* series = stackalloc int[SeriesBuckets * BlockSize];
        int* seriesCounts = stackalloc int[SeriesBuckets];
        int* debye = stackalloc int[BlockSize];
        T* loads = stackalloc T[Vector256<T>.Count];

        // Without a destination for A′ (or κA′) the sums only A′ needs are skipped: the Debye Σ₂ and the series'
        // Σ j t_j, Σ j t_j w_j (every written output is still bit-identical; the unwritten A′ lanes are garbage).
        bool derivative = destinations.MeanResultantLengthDerivative != null || destinations.EntropyDerivative != null
            || destinations.KlToUniformDerivative != null;
        T nu = order.Nu;
        T nuSquared = nu * nu;
        T radius = VmfMath.SeriesRadius<T, TReal>();
        T dimension = order.DimensionValue;
        T bucketScale = TReal.FromDouble(0.25) / (nu + T.One);
        T firstBucket = TReal.FromDouble(1e-6);
        T secondBucket = TReal.FromDouble(1e-3);
        T thirdBucket = TReal.FromDouble(0.1);

        // The j-only factors of the series recurrence, exactly as VmfMath.SeriesSums forms them.
        T* factors = stackalloc T[3 * FactorStride];
        T* index = factors;
        T* denominator = factors + FactorStride;
        T* inverseShifted = factors + (2 * FactorStride);
        for (int j = 1; j <= VmfMath.MaxSeriesTerms; j++)
        {
            T jj = TReal.FromInt64(j);
            index[j] = jj;
            denominator[j] = jj * (nu + jj);
            inverseShifted[j] = T.One / ((nu + T.One) + jj);
        }

        for (int block = start; block < end; block += BlockSize)
        {
            int stop = Math.Min(end, block + BlockSize);
            int debyeCount = 0;
            for (int b = 0; b < SeriesBuckets; b++)
            {
                seriesCounts[b] = 0;
            }

            int i = block;
            int width = Vector256<T>.Count;
            Vector256<T> nuSquaredLanes = Vector256.Create(nuSquared);
            Vector256<T> radiusLanes = Vector256.Create(radius);
            Vector256<T> dimensionLanes = Vector256.Create(dimension);
            Vector256<T> infinity = Vector256.Create(T.PositiveInfinity);
            for (; i <= stop - width; i += width)
            {
                // The branch test of VmfMath.Evaluate (same r) for a vector of κ; then branch-free list appends.
                Vector256<T> k = Vector256.Load(kappa + i);
                Vector256<T> k2 = k * k;
                Vector256<T> usesSeries = Vector256.LessThan(Vector256.Sqrt(nuSquaredLanes + k2), radiusLanes)
                    | Vector256.LessThanOrEqual(k2, dimensionLanes);
                Vector256<T> valid = Vector256.GreaterThanOrEqual(k, Vector256<T>.Zero) & Vector256.LessThan(k, infinity);
                uint seriesBits = usesSeries.ExtractMostSignificantBits();
                uint validBits = valid.ExtractMostSignificantBits();
                (k2 * Vector256.Create(bucketScale)).Store(loads);
                for (int l = 0; l < width; l++)
                {
                    int element = i + l;
                    if (((validBits >> l) & 1) == 0)
                    {
                        destinations.Write(element, VmfMath.Evaluate<T, TReal>(order, kappa[element]));
                        continue;
                    }

                    int isSeries = (int)((seriesBits >> l) & 1);
                    T laneLoad = loads[l];
                    int bucket = (laneLoad >= firstBucket ? 1 : 0) + (laneLoad >= secondBucket ? 1 : 0) + (laneLoad >= thirdBucket ? 1 : 0);
                    int slot = bucket * BlockSize;
                    series[slot + seriesCounts[bucket]] = element;
                    seriesCounts[bucket] += isSeries;
                    debye[debyeCount] = element;
                    debyeCount += 1 - isSeries;
                }
            }

            for (; i < stop; i++)
            {
                T k = kappa[i];
                if (!(k >= T.Zero) || !T.IsFinite(k))
                {
                    destinations.Write(i, VmfMath.Evaluate<T, TReal>(order, k));
                    continue;
                }

                T k2 = k * k;
                if (TReal.Sqrt(nuSquared + k2) < radius || k2 <= dimension)
                {
                    T load = k2 * bucketScale;
                    int bucket = (load >= firstBucket ? 1 : 0) + (load >= secondBucket ? 1 : 0) + (load >= thirdBucket ? 1 : 0);
                    series[(bucket * BlockSize) + seriesCounts[bucket]++] = i;
                }
                else
                {
                    debye[debyeCount++] = i;
                }
            }

            for (int b = 0; b < SeriesBuckets; b++)
            {
                int* list = series + (b * BlockSize);
                int count = seriesCounts[b];
                for (int g = 0; g < count; g += Vector256<T>.Count)
                {
                    SeriesGroup<T, TReal>(order, kappa, list + g, Math.Min(Vector256<T>.Count, count - g), factors, derivative, destinations);
                }
            }

            for (int g = 0; g < debyeCount; g += Vector256<T>.Count)
            {
                DebyeGroup<T, TReal>(order, kappa, debye + g, Math.Min(Vector256<T>.Count, debyeCount - g), derivative, destinations);
            }
        }
    }

    /// <summary>Up to one vector of series-branch κ (the unused lanes repeat the last κ and are discarded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SeriesGroup<T, TReal>(
        in VmfOrder<T> order, T* kappa, int* indices, int count, T* factors, bool derivative, in VmfDestinations<T> destinations)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        int width = Vector256<T>.Count;
        T* lanes = stackalloc T[width];
        for (int l = 0; l < width; l++)
        {
            lanes[l] = kappa[indices[Math.Min(l, count - 1)]];
        }

        Vector256<T> k = Vector256.Load(lanes);

        // VmfMath.SeriesSums, one operation per scalar operation.
        T nu = order.Nu;
        T nuPlusOne = nu + T.One;
        Vector256<T> halfKappa = k * Vector256.Create(TReal.FromDouble(0.5));
        Vector256<T> q = halfKappa * halfKappa;
        Vector256<T> tolerance = Vector256.Create(VmfMath.SeriesTolerance<T, TReal>());
        T w0 = T.One / nuPlusOne;
        Vector256<T> one = Vector256<T>.One;
        Vector256<T> t = one;
        Vector256<T> tail = Vector256<T>.Zero;
        Vector256<T> weighted = Vector256.Create(w0);
        Vector256<T> moment = Vector256<T>.Zero;
        Vector256<T> weightedMoment = Vector256<T>.Zero;
        Vector256<T> complement = (Vector256.Create(nuPlusOne) - halfKappa) * Vector256.Create(w0);
        Vector256<T> active = Vector256<T>.AllBitsSet;
        for (int j = 1; j <= VmfMath.MaxSeriesTerms; j++)
        {
            T jj = factors[j];
            Vector256<T> ratio = q / Vector256.Create(factors[FactorStride + j]);
            t *= ratio;
            T shifted = nuPlusOne + jj;
            Vector256<T> tw = t * Vector256.Create(factors[(2 * FactorStride) + j]);
            Vector256<T> jjv = Vector256.Create(jj);
            tail = Vector256.ConditionalSelect(active, tail + t, tail);
            weighted = Vector256.ConditionalSelect(active, weighted + tw, weighted);
            if (derivative)
            {
                moment = Vector256.ConditionalSelect(active, moment + (jjv * t), moment);
                weightedMoment = Vector256.ConditionalSelect(active, weightedMoment + (jjv * tw), weightedMoment);
            }

            complement = Vector256.ConditionalSelect(active, complement + (tw * (Vector256.Create(shifted) - halfKappa)), complement);
            active = Vector256.AndNot(active, Vector256.LessThanOrEqual(t, tolerance * (one + tail)));
            if (active == Vector256<T>.Zero)
            {
                break;
            }
        }

        FinishSeries<T, TReal>(order, k, tail, weighted, moment, weightedMoment, complement, indices, count, destinations);
    }

    /// <summary>
    /// <see cref="VmfMath.FromSeriesSums{T, TReal}"/> in lanes, operation for operation (<c>log1p</c> lane-wise as
    /// <see cref="SpecialFunctions.Log1p{T, TReal}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FinishSeries<T, TReal>(
        in VmfOrder<T> order, Vector256<T> kappa, Vector256<T> tail, Vector256<T> weighted, Vector256<T> moment,
        Vector256<T> weightedMoment, Vector256<T> complement, int* indices, int count, in VmfDestinations<T> destinations)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        Vector256<T> one = Vector256<T>.One;
        Vector256<T> logC0 = Vector256.Create(order.LogNormalizerAtZero);
        Vector256<T> halfKappa = kappa * Vector256.Create(TReal.FromDouble(0.5));
        Vector256<T> sum0 = one + tail;
        Vector256<T> delta = -Log1p<T, TReal>(tail);
        Vector256<T> a = halfKappa * weighted / sum0;
        Vector256<T> excess = kappa + delta;
        Vector256<T> logC = logC0 + delta;
        Vector256<T> logCe = logC0 + excess;
        Vector256<T> oneMinusA = complement / sum0;
        Vector256<T> halfRatio = weighted / (sum0 + sum0);
        Vector256<T> spread = (weightedMoment / weighted) - (moment / sum0);
        Vector256<T> viaSeries = halfRatio * (one + (spread + spread));
        Vector256<T> seriesScale = halfRatio * (one + ((moment + moment) / sum0));
        Vector256<T> squareGap = oneMinusA * (one + a);
        Vector256<T> drift = Vector256.Create(order.DimensionValue - T.One) * halfRatio;
        Vector256<T> identityScale = squareGap + drift;
        Vector256<T> aPrime = Vector256.ConditionalSelect(Vector256.LessThan(identityScale, seriesScale), squareGap - drift, viaSeries);
        Vector256<T> kl = (kappa * a) + delta;
        Store<T>(order, kappa, logC, delta, logCe, a, oneMinusA, aPrime, kl, indices, count, destinations);
    }

    /// <summary>
    /// <see cref="SpecialFunctions.Log1p{T, TReal}"/>'s polynomial branch (<c>|x| ≤ 0.375</c>) in lanes, operation for
    /// operation; lanes outside that range get garbage.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector256<T> Log1pPolynomial<T, TReal>(Vector256<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        Vector256<T> s = x / (Vector256.Create(TReal.FromDouble(2.0)) + x);
        Vector256<T> y = s * s;
        Vector256<T> y2 = y * y;
        Vector256<T> y4 = y2 * y2;
        Vector256<T> y8 = y4 * y4;
        Vector256<T> q0 = C<T, TReal>(1.0 / 3.0) + (C<T, TReal>(1.0 / 5.0) * y);
        Vector256<T> q1 = C<T, TReal>(1.0 / 7.0) + (C<T, TReal>(1.0 / 9.0) * y);
        Vector256<T> q2 = C<T, TReal>(1.0 / 11.0) + (C<T, TReal>(1.0 / 13.0) * y);
        Vector256<T> q3 = C<T, TReal>(1.0 / 15.0) + (C<T, TReal>(1.0 / 17.0) * y);
        Vector256<T> q4 = C<T, TReal>(1.0 / 19.0) + (C<T, TReal>(1.0 / 21.0) * y);
        Vector256<T> q5 = C<T, TReal>(1.0 / 23.0) + (C<T, TReal>(1.0 / 25.0) * y);
        Vector256<T> r0 = q0 + (q1 * y2);
        Vector256<T> r1 = q2 + (q3 * y2);
        Vector256<T> r2 = q4 + (q5 * y2);
        Vector256<T> t0 = r0 + (r1 * y4);
        Vector256<T> t1 = r2 + (C<T, TReal>(1.0 / 27.0) * y4);
        Vector256<T> p = (t0 + (t1 * y8)) * y * s;
        return (s + p) + (s + p);
    }

    /// <summary>
    /// <see cref="SpecialFunctions.Log1p{T, TReal}"/> in lanes: the polynomial where it applies; elsewhere its
    /// <c>log(u) − ((u − 1) − x)/u</c> branch with the correction in lanes and <see cref="IReal{T}.Log"/> per lane (the
    /// scalar function itself for a non-finite or ≤ −1 lane).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector256<T> Log1p<T, TReal>(Vector256<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        Vector256<T> inRange = Vector256.LessThanOrEqual(Vector256.Abs(x), Vector256.Create(TReal.FromDouble(Log1pPolynomialLimit)));
        uint all = (1u << Vector256<T>.Count) - 1;
        uint outside = ~inRange.ExtractMostSignificantBits() & all;
        Vector256<T> result = outside == all ? x : Log1pPolynomial<T, TReal>(x);
        if (outside == 0)
        {
            return result;
        }

        Vector256<T> one = Vector256<T>.One;
        Vector256<T> u = one + x;
        Vector256<T> correction = ((u - one) - x) / u;
        T* values = stackalloc T[Vector256<T>.Count];
        result.Store(values);
        do
        {
            int l = BitOperations.TrailingZeroCount(outside);
            outside &= outside - 1;
            T xl = x.GetElement(l);
            T ul = u.GetElement(l);
            values[l] = xl > -T.One && T.IsFinite(xl) && ul != T.Zero
                ? TReal.Log(ul) - correction.GetElement(l)
                : SpecialFunctions.Log1p<T, TReal>(xl);
        }
        while (outside != 0);
        return Vector256.Load(values);
    }

    /// <summary><see cref="IReal{T}.Log"/> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector256<T> Log<T, TReal>(Vector256<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        Vector256<T> result = x;
        for (int l = 0; l < Vector256<T>.Count; l++)
        {
            result = result.WithElement(l, TReal.Log(x.GetElement(l)));
        }

        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> C<T, TReal>(double value)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        Vector256.Create(TReal.FromDouble(value));

    /// <summary>
    /// Writes the lanes' scalars as <see cref="VmfMath"/>'s <c>Complete</c> would: H = −log C_d(0) − KL_U,
    /// dKL_U/dκ = κA′ = −dH/dκ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Store<T>(
        in VmfOrder<T> order, Vector256<T> kappa, Vector256<T> logC, Vector256<T> delta, Vector256<T> logCe, Vector256<T> a,
        Vector256<T> oneMinusA, Vector256<T> aPrime, Vector256<T> kl, int* indices, int count, in VmfDestinations<T> destinations)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector256<T> entropy = Vector256.Create(-order.LogNormalizerAtZero) - kl;
        Vector256<T> kappaAPrime = kappa * aPrime;
        Vector256<T> minusKappaAPrime = -kappaAPrime;
        for (int l = 0; l < count; l++)
        {
            int i = indices[l];
            if (destinations.LogNormalizer != null) { destinations.LogNormalizer[i] = logC.GetElement(l); }
            if (destinations.LogNormalizerDelta != null) { destinations.LogNormalizerDelta[i] = delta.GetElement(l); }
            if (destinations.ScaledLogNormalizer != null) { destinations.ScaledLogNormalizer[i] = logCe.GetElement(l); }
            if (destinations.MeanResultantLength != null) { destinations.MeanResultantLength[i] = a.GetElement(l); }
            if (destinations.OneMinusMeanResultantLength != null) { destinations.OneMinusMeanResultantLength[i] = oneMinusA.GetElement(l); }
            if (destinations.MeanResultantLengthDerivative != null) { destinations.MeanResultantLengthDerivative[i] = aPrime.GetElement(l); }
            if (destinations.Entropy != null) { destinations.Entropy[i] = entropy.GetElement(l); }
            if (destinations.KlToUniform != null) { destinations.KlToUniform[i] = kl.GetElement(l); }
            if (destinations.EntropyDerivative != null) { destinations.EntropyDerivative[i] = minusKappaAPrime.GetElement(l); }
            if (destinations.KlToUniformDerivative != null) { destinations.KlToUniformDerivative[i] = kappaAPrime.GetElement(l); }
        }
    }

    /// <summary>Up to one vector of Debye-branch κ (the unused lanes repeat the last κ and are discarded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DebyeGroup<T, TReal>(
        in VmfOrder<T> order, T* kappa, int* indices, int count, bool derivative, in VmfDestinations<T> destinations)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        int width = Vector256<T>.Count;
        T* lanes = stackalloc T[width];
        for (int l = 0; l < width; l++)
        {
            lanes[l] = kappa[indices[Math.Min(l, count - 1)]];
        }

        // VmfMath.Evaluate's r, x = 1/r, τ = (ν x)², then the Debye sums, lane-wise.
        Vector256<T> k = Vector256.Load(lanes);
        Vector256<T> nu = Vector256.Create(order.Nu);
        Vector256<T> r = Vector256.Sqrt((nu * nu) + (k * k));
        Vector256<T> x = Vector256<T>.One / r;
        Vector256<T> t = nu * x;
        Vector256<T> s0;
        Vector256<T> s1;
        Vector256<T> s2 = Vector256<T>.Zero;
        if (derivative)
        {
            VmfDebyeSums.EvaluateLanes<Vector256<T>, Vector256Lanes<T, TReal>>(t * t, x, out s0, out s1, out s2);
        }
        else
        {
            VmfDebyeSums.EvaluateLanesWithoutSecond<Vector256<T>, Vector256Lanes<T, TReal>>(t * t, x, out s0, out s1);
        }

        FinishDebye<T, TReal>(order, k, r, s0, s1, s2, indices, count, destinations);
    }

    /// <summary>
    /// <see cref="VmfMath.FromDebyeSums{T, TReal}"/> in lanes, operation for operation; <c>log1p</c> lane-wise as
    /// <see cref="SpecialFunctions.Log1p{T, TReal}"/>, <c>log</c> per lane through <see cref="IReal{T}.Log"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FinishDebye<T, TReal>(
        in VmfOrder<T> order, Vector256<T> kappa, Vector256<T> r, Vector256<T> s0, Vector256<T> s1, Vector256<T> s2,
        int* indices, int count, in VmfDestinations<T> destinations)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        Vector256<T> one = Vector256<T>.One;
        Vector256<T> nu = Vector256.Create(order.Nu);
        Vector256<T> half = Vector256.Create(TReal.FromDouble(0.5));
        Vector256<T> logC0 = Vector256.Create(order.LogNormalizerAtZero);
        Vector256<T> onePlusS0 = one + s0;
        Vector256<T> nuPlusR = nu + r;
        Vector256<T> rMinusKappa = nu * (nu / (r + kappa));
        Vector256<T> logOnePlusS0 = Log1p<T, TReal>(s0);
        Vector256<T> logCe;
        Vector256<T> delta;
        Vector256<T> excess;
        Vector256<T> logC;
        if (order.Nu >= VmfMath.SeriesRadius<T, TReal>())
        {
            Vector256<T> rMinusNu = kappa * (kappa / nuPlusR);
            Vector256<T> logHalfRatio = Log1p<T, TReal>(rMinusNu / (nu + nu));
            Vector256<T> logRatio = Log1p<T, TReal>(rMinusNu / nu);
            logCe = (nu * (logHalfRatio + Vector256.Create(order.LogNuOverPi)))
                + (half * (logRatio + Vector256.Create(order.LogNuOverTwoPi))) - rMinusKappa - logOnePlusS0;
            Vector256<T> common = (nu * logHalfRatio) + (half * logRatio)
                - (logOnePlusS0 - Vector256.Create(order.LogOnePlusDebyeSumAtZero));
            delta = common - rMinusNu;
            excess = common + (kappa * ((nu + rMinusKappa) / nuPlusR));
            Vector256<T> useScaled = Vector256.LessThanOrEqual(Vector256.Abs(logCe) + kappa, Vector256.Abs(logC0) + Vector256.Abs(delta));
            logC = Vector256.ConditionalSelect(useScaled, logCe - kappa, logC0 + delta);
        }
        else
        {
            Vector256<T> inverseTwoPi = Vector256.Create(TReal.FromDouble(InverseTwoPi));
            logCe = (nu * Log<T, TReal>(nuPlusR * inverseTwoPi)) + (half * Log<T, TReal>(r * inverseTwoPi)) - rMinusKappa
                - logOnePlusS0;
            excess = logCe - logC0;
            delta = excess - kappa;
            logC = logCe - kappa;
        }

        Vector256<T> r2 = r * r;
        Vector256<T> kappaOverR2 = kappa / r2;
        Vector256<T> ratio1 = s1 / onePlusS0;
        Vector256<T> correctionFactor = half + ratio1;
        Vector256<T> correction = kappaOverR2 * correctionFactor;
        Vector256<T> a = (kappa / nuPlusR) - correction;
        Vector256<T> oneMinusA = ((nu + rMinusKappa) / nuPlusR) + correction;
        Vector256<T> g = (nu - kappa) * (nu + kappa) / (r2 * r2);
        Vector256<T> curvature = ((s2 * onePlusS0) - (s1 * s1)) / (onePlusS0 * onePlusS0);
        Vector256<T> aPrime = (nu / (r * nuPlusR)) - (g * correctionFactor) + (kappaOverR2 * kappaOverR2 * curvature);
        Vector256<T> kl = Vector256.ConditionalSelect(
            Vector256.LessThanOrEqual(kappa, nu), delta + (kappa * a), excess - (kappa * oneMinusA));
        Store<T>(order, kappa, logC, delta, logCe, a, oneMinusA, aPrime, kl, indices, count, destinations);
    }
}
