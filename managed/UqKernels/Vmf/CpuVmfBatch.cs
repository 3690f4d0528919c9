using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using UqKernels.Cpu;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;

namespace UqKernels;

/// <summary>
/// The vMF scalars of a batch of κ (one d) on the CPU, several κ per SIMD vector: the κ of a block are sorted into the
/// series and the Debye branch of <see cref="VmfMath.Evaluate{T, TReal}"/> (series κ further by how many terms they
/// need, so that the lanes of a vector stop together); per branch, SIMD lanes (<see cref="Vector512{T}"/> where the
/// runtime accelerates it, else <see cref="Vector256{T}"/>) form the branch's
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
    /// <summary>Evaluates <c>kappa[start..end)</c> and writes element <c>i</c> through <paramref name="destinations"/>.</summary>
    public static void Run<T, TReal>(in VmfOrder<T> order, T* kappa, int start, int end, in VmfDestinations<T> destinations)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        // The widest width the runtime accelerates: 512-bit lanes run ~20% faster than 256-bit ones on an AVX-512 Xeon
        // (1 thread, d = 512, f64); a runtime told to prefer 256 bits reports 512 as not accelerated.
        if (T.IsNaN(order.Nu))
        {
            for (int i = start; i < end; i++)
            {
                destinations.Write(i, VmfMath.Evaluate<T, TReal>(order, kappa[i]));
            }
        }
        else if (Simd512<T, TReal>.IsAccelerated)
        {
            CpuVmfBatch<T, TReal, Vector512<T>, Simd512<T, TReal>>.Run(order, kappa, start, end, destinations);
        }
        else if (Simd256<T, TReal>.IsAccelerated)
        {
            CpuVmfBatch<T, TReal, Vector256<T>, Simd256<T, TReal>>.Run(order, kappa, start, end, destinations);
        }
        else
        {
            for (int i = start; i < end; i++)
            {
                destinations.Write(i, VmfMath.Evaluate<T, TReal>(order, kappa[i]));
            }
        }
    }
}

/// <summary><see cref="CpuVmfBatch"/> at one SIMD width.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TReal">Its operator struct.</typeparam>
/// <typeparam name="TVector">The vector type.</typeparam>
/// <typeparam name="TSimd">The width's operations.</typeparam>
internal static unsafe class CpuVmfBatch<T, TReal, TVector, TSimd>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TReal : struct, IReal<T>
    where TVector : unmanaged
    where TSimd : struct, ISimdWidth<TVector, T>
{
    /// <summary>κ classified per block (stack buffers of this many indices per list).</summary>
    private const int BlockSize = 256;

    /// <summary>
    /// Stride of the per-list κ buffers: a block's worth plus one vector of padding, so that the last group of a list
    /// loads whole vectors (its unused lanes repeat the list's last κ); the widest vector has 16 lanes (f32, 512 bits).
    /// </summary>
    private const int PaddedBlockSize = BlockSize + 16;

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
    public static void Run(in VmfOrder<T> order, T* kappa, int start, int end, in VmfDestinations<T> destinations)
    {
        // Series κ go to one of four lists by q/(ν + 1) = κ²/(4(ν + 1)), which sets how many terms they need, so that
        // the lanes of a vector stop at similar j.
        int width = TSimd.Count;
        // Each list holds the elements' indices (for the scattered stores) and their κ (so that groups load vectors).
        int* series = stackalloc int[SeriesBuckets * BlockSize];
        T* seriesKappa = stackalloc T[SeriesBuckets * PaddedBlockSize];
        int* seriesCounts = stackalloc int[SeriesBuckets];
        int* debye = stackalloc int[BlockSize];
        T* debyeKappa = stackalloc T[PaddedBlockSize];
        T* loads = stackalloc T[width];

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

        Lanes nuSquaredLanes = Lanes.Create(nuSquared);
        Lanes radiusLanes = Lanes.Create(radius);
        Lanes dimensionLanes = Lanes.Create(dimension);
        Lanes infinity = Lanes.Create(T.PositiveInfinity);
        Lanes bucketScaleLanes = Lanes.Create(bucketScale);
        for (int block = start; block < end; block += BlockSize)
        {
            int stop = Math.Min(end, block + BlockSize);
            int debyeCount = 0;
            for (int b = 0; b < SeriesBuckets; b++)
            {
                seriesCounts[b] = 0;
            }

            int i = block;
            for (; i <= stop - width; i += width)
            {
                // The branch test of VmfMath.Evaluate (same r) for a vector of κ; then branch-free list appends.
                Lanes k = Lanes.Load(kappa + i);
                Lanes k2 = k * k;
                Lanes usesSeries = Lanes.LessThan(Lanes.Sqrt(nuSquaredLanes + k2), radiusLanes)
                    | Lanes.LessThanOrEqual(k2, dimensionLanes);
                Lanes valid = Lanes.GreaterThanOrEqual(k, Lanes.Zero) & Lanes.LessThan(k, infinity);
                uint seriesBits = usesSeries.SignBits;
                uint validBits = valid.SignBits;
                (k2 * bucketScaleLanes).Store(loads);
                for (int l = 0; l < width; l++)
                {
                    int element = i + l;
                    if (((validBits >> l) & 1) == 0)
                    {
                        destinations.Write(element, VmfMath.Evaluate<T, TReal>(order, kappa[element]));
                        continue;
                    }

                    int isSeries = (int)((seriesBits >> l) & 1);
                    T laneKappa = kappa[element];
                    T laneLoad = loads[l];
                    int bucket = (laneLoad >= firstBucket ? 1 : 0) + (laneLoad >= secondBucket ? 1 : 0) + (laneLoad >= thirdBucket ? 1 : 0);
                    int position = seriesCounts[bucket];
                    series[(bucket * BlockSize) + position] = element;
                    seriesKappa[(bucket * PaddedBlockSize) + position] = laneKappa;
                    seriesCounts[bucket] = position + isSeries;
                    debye[debyeCount] = element;
                    debyeKappa[debyeCount] = laneKappa;
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
                    int position = seriesCounts[bucket]++;
                    series[(bucket * BlockSize) + position] = i;
                    seriesKappa[(bucket * PaddedBlockSize) + position] = k;
                }
                else
                {
                    debye[debyeCount] = i;
                    debyeKappa[debyeCount++] = k;
                }
            }

            for (int b = 0; b < SeriesBuckets; b++)
            {
                int* list = series + (b * BlockSize);
                T* listKappa = seriesKappa + (b * PaddedBlockSize);
                int count = seriesCounts[b];
                PadToVectors(listKappa, count, width);
                for (int g = 0; g < count; g += width)
                {
                    SeriesGroup(order, listKappa + g, list + g, Math.Min(width, count - g), factors, derivative, destinations);
                }
            }

            PadToVectors(debyeKappa, debyeCount, width);
            for (int g = 0; g < debyeCount; g += width)
            {
                DebyeGroup(order, debyeKappa + g, debye + g, Math.Min(width, debyeCount - g), derivative, destinations);
            }
        }
    }

    /// <summary>Repeats a list's last κ up to the next whole vector (the extra lanes are computed and discarded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PadToVectors(T* listKappa, int count, int width)
    {
        for (int i = count; i > 0 && i % width != 0; i++)
        {
            listKappa[i] = listKappa[count - 1];
        }
    }

    /// <summary>
    /// One vector of series-branch κ (<paramref name="count"/> of them real, for the elements at
    /// <paramref name="indices"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SeriesGroup(
        in VmfOrder<T> order, T* kappa, int* indices, int count, T* factors, bool derivative, in VmfDestinations<T> destinations)
    {
        Lanes k = Lanes.Load(kappa);

        // VmfMath.SeriesSums, one operation per scalar operation.
        T nu = order.Nu;
        T nuPlusOne = nu + T.One;
        Lanes halfKappa = k * Lanes.Constant(0.5);
        Lanes q = halfKappa * halfKappa;
        Lanes tolerance = Lanes.Create(VmfMath.SeriesTolerance<T, TReal>());
        T w0 = T.One / nuPlusOne;
        Lanes one = Lanes.One;
        Lanes t = one;
        Lanes tail = Lanes.Zero;
        Lanes weighted = Lanes.Create(w0);
        Lanes moment = Lanes.Zero;
        Lanes weightedMoment = Lanes.Zero;
        Lanes complement = (Lanes.Create(nuPlusOne) - halfKappa) * Lanes.Create(w0);
        Lanes active = Lanes.AllBitsSet;
        for (int j = 1; j <= VmfMath.MaxSeriesTerms; j++)
        {
            T jj = factors[j];
            Lanes ratio = q / Lanes.Create(factors[FactorStride + j]);
            t *= ratio;
            T shifted = nuPlusOne + jj;
            Lanes tw = t * Lanes.Create(factors[(2 * FactorStride) + j]);
            Lanes jjv = Lanes.Create(jj);
            tail = Lanes.Select(active, tail + t, tail);
            weighted = Lanes.Select(active, weighted + tw, weighted);
            if (derivative)
            {
                moment = Lanes.Select(active, moment + (jjv * t), moment);
                weightedMoment = Lanes.Select(active, weightedMoment + (jjv * tw), weightedMoment);
            }

            complement = Lanes.Select(active, complement + (tw * (Lanes.Create(shifted) - halfKappa)), complement);
            active = Lanes.AndNot(active, Lanes.LessThanOrEqual(t, tolerance * (one + tail)));

            // A mask lane is all ones or all zeros: no sign bit left means every lane has stopped.
            if (active.SignBits == 0)
            {
                break;
            }
        }

        FinishSeries(order, k, tail, weighted, moment, weightedMoment, complement, indices, count, destinations);
    }

    /// <summary>
    /// <see cref="VmfMath.FromSeriesSums{T, TReal}"/> in lanes, operation for operation (<c>log1p</c> lane-wise as
    /// <see cref="SpecialFunctions.Log1p{T, TReal}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FinishSeries(
        in VmfOrder<T> order, Lanes kappa, Lanes tail, Lanes weighted, Lanes moment, Lanes weightedMoment, Lanes complement,
        int* indices, int count, in VmfDestinations<T> destinations)
    {
        Lanes one = Lanes.One;
        Lanes logC0 = Lanes.Create(order.LogNormalizerAtZero);
        Lanes halfKappa = kappa * Lanes.Constant(0.5);
        Lanes sum0 = one + tail;
        Lanes delta = -Log1p(tail);
        Lanes a = halfKappa * weighted / sum0;
        Lanes excess = kappa + delta;
        Lanes logC = logC0 + delta;
        Lanes logCe = logC0 + excess;
        Lanes oneMinusA = complement / sum0;
        Lanes halfRatio = weighted / (sum0 + sum0);
        Lanes spread = (weightedMoment / weighted) - (moment / sum0);
        Lanes viaSeries = halfRatio * (one + (spread + spread));
        Lanes seriesScale = halfRatio * (one + ((moment + moment) / sum0));
        Lanes squareGap = oneMinusA * (one + a);
        Lanes drift = Lanes.Create(order.DimensionValue - T.One) * halfRatio;
        Lanes identityScale = squareGap + drift;
        Lanes aPrime = Lanes.Select(Lanes.LessThan(identityScale, seriesScale), squareGap - drift, viaSeries);
        Lanes kl = (kappa * a) + delta;
        Store(order, kappa, logC, delta, logCe, a, oneMinusA, aPrime, kl, indices, count, destinations);
    }

    /// <summary>
    /// <see cref="SpecialFunctions.Log1p{T, TReal}"/>'s polynomial branch (<c>|x| ≤ 0.375</c>) in lanes, operation for
    /// operation; lanes outside that range get garbage.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Lanes Log1pPolynomial(Lanes x)
    {
        Lanes s = x / (Lanes.Constant(2.0) + x);
        Lanes y = s * s;
        Lanes y2 = y * y;
        Lanes y4 = y2 * y2;
        Lanes y8 = y4 * y4;
        Lanes q0 = Lanes.Constant(1.0 / 3.0) + (Lanes.Constant(1.0 / 5.0) * y);
        Lanes q1 = Lanes.Constant(1.0 / 7.0) + (Lanes.Constant(1.0 / 9.0) * y);
        Lanes q2 = Lanes.Constant(1.0 / 11.0) + (Lanes.Constant(1.0 / 13.0) * y);
        Lanes q3 = Lanes.Constant(1.0 / 15.0) + (Lanes.Constant(1.0 / 17.0) * y);
        Lanes q4 = Lanes.Constant(1.0 / 19.0) + (Lanes.Constant(1.0 / 21.0) * y);
        Lanes q5 = Lanes.Constant(1.0 / 23.0) + (Lanes.Constant(1.0 / 25.0) * y);
        Lanes r0 = q0 + (q1 * y2);
        Lanes r1 = q2 + (q3 * y2);
        Lanes r2 = q4 + (q5 * y2);
        Lanes t0 = r0 + (r1 * y4);
        Lanes t1 = r2 + (Lanes.Constant(1.0 / 27.0) * y4);
        Lanes p = (t0 + (t1 * y8)) * y * s;
        return (s + p) + (s + p);
    }

    /// <summary>
    /// <see cref="SpecialFunctions.Log1p{T, TReal}"/> in lanes: the polynomial where it applies; elsewhere its
    /// <c>log(u) − ((u − 1) − x)/u</c> branch with the correction in lanes and <see cref="IReal{T}.Log"/> per lane (the
    /// scalar function itself for a non-finite or ≤ −1 lane).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Lanes Log1p(Lanes x)
    {
        Lanes inRange = Lanes.LessThanOrEqual(Lanes.Abs(x), Lanes.Constant(Log1pPolynomialLimit));
        uint all = (uint)((1ul << TSimd.Count) - 1);
        uint outside = ~inRange.SignBits & all;
        Lanes result = outside == all ? x : Log1pPolynomial(x);
        if (outside == 0)
        {
            return result;
        }

        Lanes one = Lanes.One;
        Lanes u = one + x;
        Lanes correction = ((u - one) - x) / u;
        int width = TSimd.Count;
        T* values = stackalloc T[4 * width];
        T* xs = values + width;
        T* us = values + (2 * width);
        T* corrections = values + (3 * width);
        result.Store(values);
        x.Store(xs);
        u.Store(us);
        correction.Store(corrections);
        do
        {
            int l = BitOperations.TrailingZeroCount(outside);
            outside &= outside - 1;
            T xl = xs[l];
            T ul = us[l];
            values[l] = xl > -T.One && T.IsFinite(xl) && ul != T.Zero
                ? TReal.Log(ul) - corrections[l]
                : SpecialFunctions.Log1p<T, TReal>(xl);
        }
        while (outside != 0);
        return Lanes.Load(values);
    }

    /// <summary><see cref="IReal{T}.Log"/> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Lanes Log(Lanes x)
    {
        T* values = stackalloc T[TSimd.Count];
        x.Store(values);
        for (int l = 0; l < TSimd.Count; l++)
        {
            values[l] = TReal.Log(values[l]);
        }

        return Lanes.Load(values);
    }

    /// <summary>
    /// Writes the lanes' scalars as <see cref="VmfMath"/>'s <c>Complete</c> would: H = −log C_d(0) − KL_U,
    /// dKL_U/dκ = κA′ = −dH/dκ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Store(
        in VmfOrder<T> order, Lanes kappa, Lanes logC, Lanes delta, Lanes logCe, Lanes a, Lanes oneMinusA, Lanes aPrime,
        Lanes kl, int* indices, int count, in VmfDestinations<T> destinations)
    {
        Lanes entropy = Lanes.Create(-order.LogNormalizerAtZero) - kl;
        Lanes kappaAPrime = kappa * aPrime;
        T* buffer = stackalloc T[TSimd.Count];
        Scatter(destinations.LogNormalizer, logC, buffer, indices, count);
        Scatter(destinations.LogNormalizerDelta, delta, buffer, indices, count);
        Scatter(destinations.ScaledLogNormalizer, logCe, buffer, indices, count);
        Scatter(destinations.MeanResultantLength, a, buffer, indices, count);
        Scatter(destinations.OneMinusMeanResultantLength, oneMinusA, buffer, indices, count);
        Scatter(destinations.MeanResultantLengthDerivative, aPrime, buffer, indices, count);
        Scatter(destinations.Entropy, entropy, buffer, indices, count);
        Scatter(destinations.KlToUniform, kl, buffer, indices, count);
        Scatter(destinations.EntropyDerivative, -kappaAPrime, buffer, indices, count);
        Scatter(destinations.KlToUniformDerivative, kappaAPrime, buffer, indices, count);
    }

    /// <summary>
    /// Writes the first <paramref name="count"/> lanes to <paramref name="destination"/> at <paramref name="indices"/>
    /// (nothing when it is not requested), through one vector store to <paramref name="buffer"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scatter(T* destination, Lanes values, T* buffer, int* indices, int count)
    {
        if (destination == null)
        {
            return;
        }

        values.Store(buffer);
        for (int l = 0; l < count; l++)
        {
            destination[indices[l]] = buffer[l];
        }
    }

    /// <summary>
    /// One vector of Debye-branch κ (<paramref name="count"/> of them real, for the elements at
    /// <paramref name="indices"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DebyeGroup(
        in VmfOrder<T> order, T* kappa, int* indices, int count, bool derivative, in VmfDestinations<T> destinations)
    {
        // VmfMath.Evaluate's r, x = 1/r, τ = (ν x)², then the Debye sums, lane-wise.
        Lanes k = Lanes.Load(kappa);
        Lanes nu = Lanes.Create(order.Nu);
        Lanes r = Lanes.Sqrt((nu * nu) + (k * k));
        Lanes x = Lanes.One / r;
        Lanes t = nu * x;
        Lanes tau = t * t;
        TVector s0;
        TVector s1;
        TVector s2 = TSimd.Zero;
        if (derivative)
        {
            VmfDebyeSums.EvaluateLanes<TVector, TSimd>(tau.Value, x.Value, out s0, out s1, out s2);
        }
        else
        {
            VmfDebyeSums.EvaluateLanesWithoutSecond<TVector, TSimd>(tau.Value, x.Value, out s0, out s1);
        }

        FinishDebye(order, k, r, new Lanes(s0), new Lanes(s1), new Lanes(s2), indices, count, destinations);
    }

    /// <summary>
    /// <see cref="VmfMath.FromDebyeSums{T, TReal}"/> in lanes, operation for operation; <c>log1p</c> lane-wise as
    /// <see cref="SpecialFunctions.Log1p{T, TReal}"/>, <c>log</c> per lane through <see cref="IReal{T}.Log"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FinishDebye(
        in VmfOrder<T> order, Lanes kappa, Lanes r, Lanes s0, Lanes s1, Lanes s2, int* indices, int count,
        in VmfDestinations<T> destinations)
    {
        Lanes one = Lanes.One;
        Lanes nu = Lanes.Create(order.Nu);
        Lanes half = Lanes.Constant(0.5);
        Lanes logC0 = Lanes.Create(order.LogNormalizerAtZero);
        Lanes onePlusS0 = one + s0;
        Lanes nuPlusR = nu + r;
        Lanes rMinusKappa = nu * (nu / (r + kappa));
        Lanes logOnePlusS0 = Log1p(s0);
        Lanes logCe;
        Lanes delta;
        Lanes excess;
        Lanes logC;
        if (order.Nu >= VmfMath.SeriesRadius<T, TReal>())
        {
            Lanes rMinusNu = kappa * (kappa / nuPlusR);
            Lanes logHalfRatio = Log1p(rMinusNu / (nu + nu));
            Lanes logRatio = Log1p(rMinusNu / nu);
            logCe = (nu * (logHalfRatio + Lanes.Create(order.LogNuOverPi)))
                + (half * (logRatio + Lanes.Create(order.LogNuOverTwoPi))) - rMinusKappa - logOnePlusS0;
            Lanes common = (nu * logHalfRatio) + (half * logRatio)
                - (logOnePlusS0 - Lanes.Create(order.LogOnePlusDebyeSumAtZero));
            delta = common - rMinusNu;
            excess = common + (kappa * ((nu + rMinusKappa) / nuPlusR));
            Lanes useScaled = Lanes.LessThanOrEqual(Lanes.Abs(logCe) + kappa, Lanes.Abs(logC0) + Lanes.Abs(delta));
            logC = Lanes.Select(useScaled, logCe - kappa, logC0 + delta);
        }
        else
        {
            Lanes inverseTwoPi = Lanes.Constant(InverseTwoPi);
            logCe = (nu * Log(nuPlusR * inverseTwoPi)) + (half * Log(r * inverseTwoPi)) - rMinusKappa - logOnePlusS0;
            excess = logCe - logC0;
            delta = excess - kappa;
            logC = logCe - kappa;
        }

        Lanes r2 = r * r;
        Lanes kappaOverR2 = kappa / r2;
        Lanes ratio1 = s1 / onePlusS0;
        Lanes correctionFactor = half + ratio1;
        Lanes correction = kappaOverR2 * correctionFactor;
        Lanes a = (kappa / nuPlusR) - correction;
        Lanes oneMinusA = ((nu + rMinusKappa) / nuPlusR) + correction;
        Lanes g = (nu - kappa) * (nu + kappa) / (r2 * r2);
        Lanes curvature = ((s2 * onePlusS0) - (s1 * s1)) / (onePlusS0 * onePlusS0);
        Lanes aPrime = (nu / (r * nuPlusR)) - (g * correctionFactor) + (kappaOverR2 * kappaOverR2 * curvature);
        Lanes kl = Lanes.Select(Lanes.LessThanOrEqual(kappa, nu), delta + (kappa * a), excess - (kappa * oneMinusA));
        Store(order, kappa, logC, delta, logCe, a, oneMinusA, aPrime, kl, indices, count, destinations);
    }

    /// <summary>
    /// A <typeparamref name="TVector"/> with the element-wise operators of <typeparamref name="TSimd"/>, so that the
    /// lane code above reads like the scalar code it mirrors (the JIT keeps the wrapper in a register).
    /// </summary>
    private readonly struct Lanes
    {
        public readonly TVector Value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Lanes(TVector value) => Value = value;

        public static Lanes Zero
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => new(TSimd.Zero);
        }

        public static Lanes One
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => new(TSimd.One);
        }

        public static Lanes AllBitsSet
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => new(TSimd.AllBitsSet);
        }

        /// <summary>Bit <c>l</c> = sign bit of lane <c>l</c>.</summary>
        public uint SignBits
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => TSimd.MostSignificantBits(Value);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes Create(T value) => new(TSimd.Create(value));

        /// <summary><paramref name="value"/> rounded as <see cref="IReal{T}.FromDouble"/> does, in every lane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes Constant(double value) => new(TSimd.Constant(value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes Load(T* source) => new(TSimd.Load(source));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(T* destination) => TSimd.Store(Value, destination);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes Sqrt(Lanes a) => new(TSimd.Sqrt(a.Value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes Abs(Lanes a) => new(TSimd.Abs(a.Value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes LessThan(Lanes a, Lanes b) => new(TSimd.LessThan(a.Value, b.Value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes LessThanOrEqual(Lanes a, Lanes b) => new(TSimd.LessThanOrEqual(a.Value, b.Value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes GreaterThanOrEqual(Lanes a, Lanes b) => new(TSimd.GreaterThanOrEqual(a.Value, b.Value));

        /// <summary><c>a &amp; ~b</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes AndNot(Lanes a, Lanes b) => new(TSimd.AndNot(a.Value, b.Value));

        /// <summary>Per lane: <paramref name="mask"/> set → <paramref name="whenSet"/>, else <paramref name="otherwise"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes Select(Lanes mask, Lanes whenSet, Lanes otherwise) =>
            new(TSimd.ConditionalSelect(mask.Value, whenSet.Value, otherwise.Value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes operator +(Lanes a, Lanes b) => new(TSimd.Add(a.Value, b.Value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes operator -(Lanes a, Lanes b) => new(TSimd.Subtract(a.Value, b.Value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes operator *(Lanes a, Lanes b) => new(TSimd.Multiply(a.Value, b.Value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes operator /(Lanes a, Lanes b) => new(TSimd.Divide(a.Value, b.Value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes operator -(Lanes a) => new(TSimd.Negate(a.Value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes operator &(Lanes a, Lanes b) => new(TSimd.BitwiseAnd(a.Value, b.Value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes operator |(Lanes a, Lanes b) => new(TSimd.BitwiseOr(a.Value, b.Value));
    }
}
