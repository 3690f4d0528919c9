using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;

namespace UqKernels.Cpu;

/// <summary>
/// Fills a <see cref="SoftmaxRowState{T}"/> for one row on the CPU: SIMD lanes (<see cref="Vector512{T}"/> where the
/// runtime accelerates it, else <see cref="Vector256{T}"/>) through <see cref="CpuSoftmaxRow{T, TReal, TVector, TSimd}"/>;
/// without either, the shared scalar <see cref="SoftmaxRowState{T}.Push"/>, which defines the result.
/// </summary>
internal static class CpuSoftmaxRow
{
    /// <summary>
    /// Block of a row whose lane sums are carried in f64 at the block's end, so long rows (LLM vocabularies) keep f32 block
    /// error only (uq_metrics.md §1.8); 4,096 elements also keep the lane counts exact in f32.
    /// </summary>
    public const int BlockSize = 4096;

    /// <summary>
    /// The state of <paramref name="row"/> (already in the compute type and temperature-scaled): <c>m, s, t, q</c>, the
    /// top-2, the arg-max, <c>Σx</c>, and the rank of column <paramref name="rankLabel"/> when it is not −1.
    /// </summary>
    /// <param name="row">The logits.</param>
    /// <param name="rankLabel">The column whose rank to count, or −1.</param>
    /// <param name="sumLogits">Whether to form <c>Σx</c> (label smoothing).</param>
    /// <param name="ahead">
    /// Memory the caller reads next (the next row), or null: its cache lines are prefetched one per vector of the
    /// exponential pass, so the next row arrives while this one is computed. A batch walks rows of a few KiB, each on
    /// new pages, which the hardware prefetchers (within one 4 KiB page) do not enter; prefetching the whole row at once
    /// instead stalls on the line-fill buffers.
    /// </param>
    public static unsafe SoftmaxRowState<T> Build<T, TReal>(ReadOnlySpan<T> row, int rankLabel, bool sumLogits, void* ahead)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        // The widest width the runtime accelerates (a runtime told to prefer 256 bits reports 512 as not accelerated).
        if (Simd512<T, TReal>.IsAccelerated)
        {
            return CpuSoftmaxRow<T, TReal, Vector512<T>, Simd512<T, TReal>>.Build(row, rankLabel, sumLogits, ahead);
        }

        if (Simd256<T, TReal>.IsAccelerated)
        {
            return CpuSoftmaxRow<T, TReal, Vector256<T>, Simd256<T, TReal>>.Build(row, rankLabel, sumLogits, ahead);
        }

        SoftmaxRowState<T> state = SoftmaxRowState<T>.Empty;
        T labelLogit = rankLabel >= 0 ? row[rankLabel] : T.Zero;
        for (int i = 0; i < row.Length; i++)
        {
            state.Push<TReal>(row[i], i, labelLogit, rankLabel);
        }

        return state;
    }
}

/// <summary>
/// One row's <see cref="SoftmaxRowState{T}"/> in <typeparamref name="TVector"/> lanes, in two passes over the row (which
/// stays in L1/L2 between them) and a search:
/// <list type="number">
/// <item>a scan: lane-wise top-2 (<c>second = max(second, min(first, x))</c>, <c>first = max(first, x)</c>), the minimum,
/// and when asked <c>Σx</c> and the label-rank counts <c>#{x &gt; x_y}</c>, <c>#{x = x_y}</c>;</item>
/// <item>the first index holding the maximum (usually early in the row);</item>
/// <item>per <see cref="CpuSoftmaxRow.BlockSize"/> block, <c>u = x − m</c>, <c>e = e^u</c> (<see cref="SimdExp"/>) and the
/// lane sums of <c>e</c>, <c>u·e</c> and <c>e²</c>, carried in f64 between blocks. When the row's range reaches the
/// exponential's floor (a −∞ entry, or a spread over 87 in f32), <c>u</c> is clamped to the floor and the floor flushed
/// to 0; otherwise neither is needed, which saves two of the pass's sixteen vector operations.</item>
/// </list>
/// </summary>
/// <remarks>
/// NaN costs no operation of its own: the scan's single-instruction <c>MaxNative</c>/<c>MinNative</c> may drop a NaN
/// (x86 returns the second operand), but the exponential pass cannot — <c>x − m</c> is NaN there, the clamp is written
/// <c>MaxNative(floor, u)</c> so that it returns the NaN, and <c>Σ u·e</c> ends NaN — so a NaN row is recognised after the
/// pass (or in the scan, when a NaN survives there or the row has no finite maximum). A NaN row's other results are
/// discarded, which is why the native min/max are exact enough. The row's last partial vector is the overlapping vector
/// that ends at the row's end, its lanes already seen replaced by values that change nothing (−∞ for the top-2 and the
/// exponentials, NaN for the counts, 0 for <c>Σx</c>; the minimum may see them again); a row shorter than one vector is
/// copied behind −∞ padding. Ties of the label logit (rare) are resolved by an exact count over the columns before the
/// label. The methods are compiled fully optimised on first use: tier-0 code of these SIMD generics is several times
/// slower, and the first rows of a batch would pay for it.
/// </remarks>
internal static unsafe class CpuSoftmaxRow<T, TReal, TVector, TSimd>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TReal : struct, IReal<T>
    where TVector : unmanaged
    where TSimd : ISimdWidth<TVector, T>
{
    /// <inheritdoc cref="CpuSoftmaxRow.Build"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static SoftmaxRowState<T> Build(ReadOnlySpan<T> row, int rankLabel, bool sumLogits, void* ahead) =>
        (rankLabel >= 0, sumLogits) switch
        {
            (true, true) => Build<Yes, Yes>(row, rankLabel, ahead),
            (true, false) => Build<Yes, No>(row, rankLabel, ahead),
            (false, true) => Build<No, Yes>(row, rankLabel, ahead),
            (false, false) => Build<No, No>(row, rankLabel, ahead),
        };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static SoftmaxRowState<T> Build<TRank, TSum>(ReadOnlySpan<T> row, int rankLabel, void* ahead)
        where TRank : IPassFlag
        where TSum : IPassFlag
    {
        SoftmaxRowState<T> state = SoftmaxRowState<T>.Empty;
        int width = TSimd.Count;
        int length = row.Length;
        int fullEnd = length - (length % width);
        fixed (T* values = row)
        {
            // The last partial vector: row element tailIndex + l in lane l; lanes before firstFresh are seen already.
            T* tail = values + length - width;
            int tailIndex = length - width;
            int firstFresh = width - (length - fullEnd);
            if (length < width)
            {
                T* padded = stackalloc T[width];
                for (int l = 0; l < width; l++)
                {
                    padded[l] = l < firstFresh ? T.NegativeInfinity : values[l - firstFresh];
                }

                tail = padded;
            }

            TVector fresh = TSimd.LanesFrom(firstFresh);
            bool hasTail = fullEnd < length;
            T labelLogit = TRank.On ? values[rankLabel] : T.Zero;
            Scan scan = RunScan<TRank, TSum>(values, fullEnd, hasTail ? tail : null, fresh, labelLogit);
            if (T.IsNaN(scan.First) || scan.First == T.PositiveInfinity
                || (scan.First == T.NegativeInfinity && ContainsNaN(row)))
            {
                return Invalid();
            }

            state.SumLogits = TReal.FromDouble(scan.Sum);
            if (TRank.On)
            {
                state.LabelRank = scan.Greater;
                if (scan.Equal > 1)
                {
                    ReadOnlySpan<T> before = row[..rankLabel];
                    state.LabelRank += SimdCount.Above(before, labelLogit, orEqual: true)
                        - SimdCount.Above(before, labelLogit, orEqual: false);
                }
            }

            if (scan.First == T.NegativeInfinity)
            {
                return state;
            }

            state.Max = scan.First;
            state.Second = scan.Second;
            state.ArgMax = IndexOf(values, fullEnd, tail, tailIndex, scan.First);

            // Without a next row, the prefetches touch this row again (cached already): no branch in the loop.
            byte* prefetch = ahead != null ? (byte*)ahead : (byte*)values;
            T* tailOrNull = hasTail ? tail : null;
            if (scan.Minimum - scan.First > SimdExp.Floor<T, TReal>())
            {
                SumExponentials<No>(values, fullEnd, tailOrNull, fresh, scan.First, prefetch, ref state);
            }
            else
            {
                SumExponentials<Yes>(values, fullEnd, tailOrNull, fresh, scan.First, prefetch, ref state);
            }

            if (T.IsNaN(state.SumShiftedExp))
            {
                return Invalid();
            }
        }

        return state;
    }

    private static SoftmaxRowState<T> Invalid()
    {
        SoftmaxRowState<T> state = SoftmaxRowState<T>.Empty;
        state.InvalidCount = 1;
        return state;
    }

    /// <summary>
    /// The scan over the full vectors <c>[0, fullEnd)</c> and the tail vector (null when there is none). The top-2 is NaN
    /// when a NaN survived in a lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Scan RunScan<TRank, TSum>(T* values, int fullEnd, T* tail, TVector fresh, T labelLogit)
        where TRank : IPassFlag
        where TSum : IPassFlag
    {
        int width = TSimd.Count;
        TVector label = TSimd.Create(labelLogit);
        TVector first = TSimd.Create(T.NegativeInfinity), second = first;
        TVector minimum = TSimd.Create(T.PositiveInfinity);
        var scan = default(Scan);
        for (int blockStart = 0; ; blockStart += CpuSoftmaxRow.BlockSize)
        {
            int blockEnd = Math.Min(blockStart + CpuSoftmaxRow.BlockSize, fullEnd);
            TVector sum = TSimd.Zero, greater = TSimd.Zero, equal = TSimd.Zero;
            for (int i = blockStart; i < blockEnd; i += width)
            {
                TVector x = TSimd.Load(values + i);
                AddToScan<TRank, TSum>(x, x, x, x, label, ref first, ref second, ref minimum, ref sum, ref greater, ref equal);
            }

            bool lastBlock = blockStart + CpuSoftmaxRow.BlockSize >= fullEnd;
            if (lastBlock && tail != null)
            {
                TVector x = TSimd.Load(tail);
                AddToScan<TRank, TSum>(
                    TSimd.ConditionalSelect(fresh, x, TSimd.Create(T.NegativeInfinity)),
                    TSimd.ConditionalSelect(fresh, x, TSimd.Create(T.NaN)),
                    TSimd.BitwiseAnd(x, fresh),
                    x,
                    label,
                    ref first,
                    ref second,
                    ref minimum,
                    ref sum,
                    ref greater,
                    ref equal);
            }

            if (TSum.On)
            {
                scan.Sum += TReal.ToDouble(TSimd.Sum(sum));
            }

            if (TRank.On)
            {
                scan.Greater += int.CreateTruncating(TSimd.Sum(greater));
                scan.Equal += int.CreateTruncating(TSimd.Sum(equal));
            }

            if (lastBlock)
            {
                break;
            }
        }

        // The two largest of the multiset of lanes' top-2: a maximum held by two lanes is also the second.
        TVector ordered = TSimd.BitwiseAnd(TSimd.Equal(first, first), TSimd.Equal(second, second));
        if (TSimd.MostSignificantBits(ordered) != (uint)((1L << width) - 1))
        {
            scan.First = T.NaN;
            return scan;
        }

        scan.First = TSimd.MaxAcross(first);
        TVector atMax = TSimd.Equal(first, TSimd.Create(scan.First));
        scan.Second = BitOperations.PopCount(TSimd.MostSignificantBits(atMax)) > 1
            ? scan.First
            : T.Max(
                TSimd.MaxAcross(second),
                TSimd.MaxAcross(TSimd.ConditionalSelect(atMax, TSimd.Create(T.NegativeInfinity), first)));
        scan.Minimum = TSimd.MinAcross(minimum);
        return scan;
    }

    /// <summary>
    /// One vector into the scan's lanes: <paramref name="top"/> into the top-2, <paramref name="counted"/> into the label
    /// counts, <paramref name="summed"/> into <c>Σx</c> and <paramref name="x"/> into the minimum (the tail passes −∞, NaN
    /// and 0 in its lanes already seen; the minimum may see them again).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddToScan<TRank, TSum>(
        TVector top,
        TVector counted,
        TVector summed,
        TVector x,
        TVector label,
        ref TVector first,
        ref TVector second,
        ref TVector minimum,
        ref TVector sum,
        ref TVector greater,
        ref TVector equal)
        where TRank : IPassFlag
        where TSum : IPassFlag
    {
        second = TSimd.MaxNative(second, TSimd.MinNative(first, top));
        first = TSimd.MaxNative(first, top);
        minimum = TSimd.MinNative(minimum, x);
        if (TSum.On)
        {
            sum = TSimd.Add(sum, summed);
        }

        if (TRank.On)
        {
            // Written as a masked add: one EVEX instruction with AVX-512.
            greater = TSimd.ConditionalSelect(TSimd.GreaterThan(counted, label), TSimd.Add(greater, TSimd.One), greater);
            equal = TSimd.ConditionalSelect(TSimd.Equal(counted, label), TSimd.Add(equal, TSimd.One), equal);
        }
    }

    /// <summary>The lowest index holding <paramref name="max"/> (present in the row and finite).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int IndexOf(T* values, int fullEnd, T* tail, int tailIndex, T max)
    {
        TVector target = TSimd.Create(max);
        for (int i = 0; i < fullEnd; i += TSimd.Count)
        {
            uint hits = TSimd.MostSignificantBits(TSimd.Equal(TSimd.Load(values + i), target));
            if (hits != 0)
            {
                return i + BitOperations.TrailingZeroCount(hits);
            }
        }

        // Only the tail's fresh lanes can hit here: its other lanes were searched above, or are −∞ padding.
        return tailIndex + BitOperations.TrailingZeroCount(TSimd.MostSignificantBits(TSimd.Equal(TSimd.Load(tail), target)));
    }

    /// <summary>
    /// <c>s, t, q</c> of the row shifted by <paramref name="max"/>, written into <paramref name="state"/> (<c>t</c> is NaN
    /// when the row holds NaN). <typeparamref name="TClamp"/>: whether some <c>x − m</c> may reach the exponential's floor.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumExponentials<TClamp>(
        T* values, int fullEnd, T* tail, TVector fresh, T max, byte* prefetch, ref SoftmaxRowState<T> state)
        where TClamp : IPassFlag
    {
        int width = TSimd.Count;
        TVector shift = TSimd.Create(max);
        double sum = 0, shiftedSum = 0, squares = 0;
        for (int blockStart = 0; ; blockStart += CpuSoftmaxRow.BlockSize)
        {
            int blockEnd = Math.Min(blockStart + CpuSoftmaxRow.BlockSize, fullEnd);
            TVector sums = TSimd.Zero, shiftedSums = TSimd.Zero, squareSums = TSimd.Zero;
            for (int i = blockStart; i < blockEnd; i += width)
            {
                CpuPrefetch.Line(prefetch + ((long)i * sizeof(T)));
                AddExponentials<TClamp>(TSimd.Load(values + i), shift, ref sums, ref shiftedSums, ref squareSums);
            }

            bool lastBlock = blockStart + CpuSoftmaxRow.BlockSize >= fullEnd;
            if (lastBlock && tail != null)
            {
                // Lanes already seen become −∞: e = 0, u·e = −0 (the tail always clamps: −∞ − m is −∞).
                TVector x = TSimd.ConditionalSelect(fresh, TSimd.Load(tail), TSimd.Create(T.NegativeInfinity));
                AddExponentials<Yes>(x, shift, ref sums, ref shiftedSums, ref squareSums);
            }

            sum += TReal.ToDouble(TSimd.Sum(sums));
            shiftedSum += TReal.ToDouble(TSimd.Sum(shiftedSums));
            squares += TReal.ToDouble(TSimd.Sum(squareSums));
            if (lastBlock)
            {
                break;
            }
        }

        state.SumExp = TReal.FromDouble(sum);
        state.SumShiftedExp = TReal.FromDouble(shiftedSum);
        state.SumExpSquared = TReal.FromDouble(squares);
    }

    /// <summary>
    /// <c>u = x − m</c> (clamped to the exponential's floor when <typeparamref name="TClamp"/> is on), <c>e = e^u</c>, and
    /// <c>e</c>, <c>u·e</c>, <c>e²</c> into the lane sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddExponentials<TClamp>(
        TVector x, TVector shift, ref TVector sums, ref TVector shiftedSums, ref TVector squareSums)
        where TClamp : IPassFlag
    {
        TVector u = TSimd.Subtract(x, shift);

        // The floor first: x86 max returns its second operand when either is NaN, so a NaN logit stays NaN.
        u = TClamp.On ? TSimd.MaxNative(TSimd.Create(SimdExp.Floor<T, TReal>()), u) : u;
        TVector e = SimdExp.ExpOfNonPositive<TVector, TSimd, T, TClamp>(u);
        sums = TSimd.Add(sums, e);
        shiftedSums = TSimd.FusedMultiplyAdd(u, e, shiftedSums);
        squareSums = TSimd.FusedMultiplyAdd(e, e, squareSums);
    }

    /// <summary>Whether the row holds a NaN (<c>IndexOfMax</c> returns the first NaN when there is one).</summary>
    private static bool ContainsNaN(ReadOnlySpan<T> row) => T.IsNaN(row[TensorPrimitives.IndexOfMax(row)]);

    /// <summary>What the scan found: the row's top-2 values and minimum, <c>Σx</c> and the label-rank counts.</summary>
    private struct Scan
    {
        public T First;
        public T Second;
        public T Minimum;
        public double Sum;
        public int Greater;
        public int Equal;
    }
}
