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
    /// <param name="rankLimit">
    /// Where the rank count may stop: <see cref="SoftmaxRowState{T}.LabelRank"/> is exact when below it and otherwise
    /// some count at or above it, which is all top-k correctness (<c>rank &lt; k</c>) reads.
    /// </param>
    /// <param name="sumLogits">Whether to form <c>Σx</c> (label smoothing).</param>
    /// <param name="ahead">
    /// Memory of the row's length the caller reads soon (a later row of its batch), or null: its cache lines are
    /// prefetched one per two vectors of the scan and of the exponential pass, so that row arrives while this one is
    /// computed. A batch walks rows of a few KiB, each on new pages, which the hardware prefetchers (within one 4 KiB page)
    /// do not enter; prefetching a whole row at once instead stalls on the line-fill buffers.
    /// </param>
    public static unsafe SoftmaxRowState<T> Build<T, TReal>(
        ReadOnlySpan<T> row, int rankLabel, int rankLimit, bool sumLogits, void* ahead)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        // The widest width the runtime accelerates (a runtime told to prefer 256 bits reports 512 as not accelerated).
        if (Simd512<T, TReal>.IsAccelerated)
        {
            return CpuSoftmaxRow<T, TReal, Vector512<T>, Simd512<T, TReal>>.Build(row, rankLabel, rankLimit, sumLogits, ahead);
        }

        if (Simd256<T, TReal>.IsAccelerated)
        {
            return CpuSoftmaxRow<T, TReal, Vector256<T>, Simd256<T, TReal>>.Build(row, rankLabel, rankLimit, sumLogits, ahead);
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
/// stays in L1/L2 between them) and when asked a count:
/// <list type="number">
/// <item>a scan: lane-wise top-2 (<c>second = max(second, min(first, x))</c>, <c>first = max(first, x)</c>), where each
/// lane's maximum first occurs, the minimum, and when asked <c>Σx</c>;</item>
/// <item>per <see cref="CpuSoftmaxRow.BlockSize"/> block, <c>u = x − m</c>, <c>e = e^u</c> (<see cref="SimdExp"/>) and the
/// lane sums of <c>e</c>, <c>u·e</c> and <c>e²</c>, carried in f64 between blocks. When the row's range reaches the
/// exponential's floor (a −∞ entry, or a spread over 87 in f32), <c>u</c> is clamped to the floor and the floor flushed
/// to 0; otherwise neither is needed, which saves two of the pass's fifteen vector operations;</item>
/// <item>the label's rank, counted until it reaches the caller's limit (<see cref="LabelRank"/>).</item>
/// </list>
/// </summary>
/// <remarks>
/// NaN costs no operation of its own: the scan's single-instruction <c>MaxNative</c>/<c>MinNative</c> may drop a NaN
/// (x86 returns the second operand), but the exponential pass cannot — <c>x − m</c> is NaN there, the clamp is written
/// <c>MaxNative(floor, u)</c> so that it returns the NaN, and <c>Σ u·e</c> ends NaN — so a NaN row is recognised after the
/// pass (or in the scan, when a NaN survives there or the row has no finite maximum). A NaN row's other results are
/// discarded, which is why the native min/max are exact enough. The row's last partial vector is the overlapping vector
/// that ends at the row's end, its lanes already seen replaced by values that change nothing (−∞ for the top-2 and the
/// exponentials, 0 for <c>Σx</c>; the minimum may see them again); a row shorter than one vector is copied behind −∞
/// padding. The methods are compiled fully optimised on first use: tier-0 code of these SIMD generics is several times
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
    public static SoftmaxRowState<T> Build(ReadOnlySpan<T> row, int rankLabel, int rankLimit, bool sumLogits, void* ahead) =>
        sumLogits ? Build<Yes>(row, rankLabel, rankLimit, ahead) : Build<No>(row, rankLabel, rankLimit, ahead);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static SoftmaxRowState<T> Build<TSum>(ReadOnlySpan<T> row, int rankLabel, int rankLimit, void* ahead)
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

            // The next row's cache lines, half requested in the scan and half in the exponential pass (two vectors per
            // line), so the line-fill buffers stay busy through the whole row. Without a next row they touch this row
            // again (cached already): no branch in the loops.
            byte* scanPrefetch = ahead != null ? (byte*)ahead : (byte*)values;
            byte* exponentialPrefetch = scanPrefetch + ((long)fullEnd * sizeof(T) / 2);
            Scan scan = RunScan<TSum>(values, fullEnd, hasTail ? tail : null, tailIndex, fresh, scanPrefetch);
            if (T.IsNaN(scan.First) || scan.First == T.PositiveInfinity
                || (scan.First == T.NegativeInfinity && ContainsNaN(row)))
            {
                return Invalid();
            }

            state.SumLogits = TReal.FromDouble(scan.Sum);
            if (scan.First == T.NegativeInfinity)
            {
                state.LabelRank = rankLabel >= 0 ? LabelRank(values, length, rankLabel, rankLimit, argMax: -1) : 0;
                return state;
            }

            state.Max = scan.First;
            state.Second = scan.Second;
            state.ArgMax = scan.ArgMax;
            T* tailOrNull = hasTail ? tail : null;
            if (scan.Minimum - scan.First > SimdExp.Floor<T, TReal>())
            {
                SumExponentials<No>(values, fullEnd, tailOrNull, fresh, scan.First, exponentialPrefetch, ref state);
            }
            else
            {
                SumExponentials<Yes>(values, fullEnd, tailOrNull, fresh, scan.First, exponentialPrefetch, ref state);
            }

            if (T.IsNaN(state.SumShiftedExp))
            {
                return Invalid();
            }

            state.LabelRank = rankLabel >= 0 ? LabelRank(values, length, rankLabel, rankLimit, state.ArgMax) : 0;
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
    /// The scan over the full vectors <c>[0, fullEnd)</c> and the tail vector (null when there is none; its lane
    /// <c>l</c> is row element <paramref name="tailIndex"/> + <c>l</c>). The top-2 is NaN when a NaN survived in a lane.
    /// </summary>
    /// <remarks>
    /// The arg-max is tracked in the lanes: where <c>x &gt; first</c>, the lane records the vector's first element index
    /// (a compare and a masked broadcast per vector). A search for the maximum after the scan cost more: it waited for
    /// the scan's last loads and the cross-lane maximum, walked half the row on average and ended in a mispredicted
    /// branch, whereas the scan waits on memory, so two more vector operations there are nearly free (50,000 × 1,000 f32,
    /// 42 interleaved runs each: median 17.9 → 16.1 ms).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Scan RunScan<TSum>(T* values, int fullEnd, T* tail, int tailIndex, TVector fresh, byte* prefetch)
        where TSum : IPassFlag
    {
        int width = TSimd.Count;
        TVector first = TSimd.Create(T.NegativeInfinity), second = first;
        TVector firstAt = TSimd.Zero;
        TVector minimum = TSimd.Create(T.PositiveInfinity);
        var scan = default(Scan);
        for (int blockStart = 0; ; blockStart += CpuSoftmaxRow.BlockSize)
        {
            int blockEnd = Math.Min(blockStart + CpuSoftmaxRow.BlockSize, fullEnd);
            TVector sum = TSimd.Zero;
            for (int i = blockStart; i < blockEnd; i += width)
            {
                CpuPrefetch.Line(prefetch + ((long)i * (sizeof(T) / 2)));
                TVector x = TSimd.Load(values + i);
                AddToScan<TSum>(x, x, x, i, ref first, ref firstAt, ref second, ref minimum, ref sum);
            }

            bool lastBlock = blockStart + CpuSoftmaxRow.BlockSize >= fullEnd;
            if (lastBlock && tail != null)
            {
                TVector x = TSimd.Load(tail);
                AddToScan<TSum>(
                    TSimd.ConditionalSelect(fresh, x, TSimd.Create(T.NegativeInfinity)),
                    TSimd.BitwiseAnd(x, fresh),
                    x,
                    tailIndex,
                    ref first,
                    ref firstAt,
                    ref second,
                    ref minimum,
                    ref sum);
            }

            if (TSum.On)
            {
                scan.Sum += TReal.ToDouble(TSimd.Sum(sum));
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

        // The lowest index among the lanes holding the maximum, each lane's own first occurrence (read only when the
        // maximum is finite).
        uint maxLanes = TSimd.MostSignificantBits(atMax);
        scan.ArgMax = int.MaxValue;
        for (uint lanes = maxLanes; lanes != 0; lanes &= lanes - 1)
        {
            int lane = BitOperations.TrailingZeroCount(lanes);
            scan.ArgMax = Math.Min(scan.ArgMax, TSimd.IndexInLane(firstAt, lane) + lane);
        }

        scan.Second = BitOperations.PopCount(maxLanes) > 1
            ? scan.First
            : T.Max(
                TSimd.MaxAcross(second),
                TSimd.MaxAcross(TSimd.ConditionalSelect(atMax, TSimd.Create(T.NegativeInfinity), first)));
        scan.Minimum = TSimd.MinAcross(minimum);
        return scan;
    }

    /// <summary>
    /// One vector, whose lane <c>l</c> is row element <paramref name="index"/> + <c>l</c>, into the scan's lanes:
    /// <paramref name="top"/> into the top-2 and the arg-max, <paramref name="summed"/> into <c>Σx</c> and
    /// <paramref name="x"/> into the minimum (the tail passes −∞ and 0 in its lanes already seen; the minimum may see
    /// them again). A lane's maximum is recorded where it first occurs (a strict compare; NaN never replaces it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddToScan<TSum>(
        TVector top,
        TVector summed,
        TVector x,
        int index,
        ref TVector first,
        ref TVector firstAt,
        ref TVector second,
        ref TVector minimum,
        ref TVector sum)
        where TSum : IPassFlag
    {
        firstAt = TSimd.ConditionalSelect(TSimd.GreaterThan(top, first), TSimd.IndexInLanes(index), firstAt);
        second = TSimd.MaxNative(second, TSimd.MinNative(first, top));
        first = TSimd.MaxNative(first, top);
        minimum = TSimd.MinNative(minimum, x);
        if (TSum.On)
        {
            sum = TSimd.Add(sum, summed);
        }
    }

    /// <summary>
    /// The rank of column <paramref name="label"/>: <c>#{j &lt; y : x_j ≥ x_y} + #{j &gt; y : x_j &gt; x_y}</c>, the
    /// columns a top-k ranks before it (ties by index, as the arg-max). Exact below <paramref name="limit"/>; the count
    /// stops once it reaches the limit, so a label ranked far down (most rows of an untrained or wrong model) costs a
    /// vector or two, and a label at the arg-max costs nothing. Counting here, after the row is known valid, instead of
    /// in the scan takes two compares and two masked adds per vector out of the scan.
    /// </summary>
    /// <param name="values">The row.</param>
    /// <param name="length">The row's length.</param>
    /// <param name="label">The column to rank.</param>
    /// <param name="limit">Where counting may stop.</param>
    /// <param name="argMax">The first index of the row's maximum, or −1 when the row has no finite maximum.</param>
    private static int LabelRank(T* values, int length, int label, int limit, int argMax)
    {
        if (label == argMax)
        {
            return 0;
        }

        T labelLogit = values[label];
        int before = CountAbove<Yes>(values, label, labelLogit, limit);
        return before >= limit
            ? before
            : before + CountAbove<No>(values + label + 1, length - label - 1, labelLogit, limit - before);
    }

    /// <summary>
    /// <c>#{i &lt; length : x_i &gt; value}</c> (<c>≥</c> when <typeparamref name="TOrEqual"/> is on), exact below
    /// <paramref name="limit"/>, otherwise some count at or above it. NaN never counts.
    /// </summary>
    private static int CountAbove<TOrEqual>(T* x, int length, T value, int limit)
        where TOrEqual : IPassFlag
    {
        TVector threshold = TSimd.Create(value);
        int count = 0;
        int i = 0;
        for (; i <= length - TSimd.Count && count < limit; i += TSimd.Count)
        {
            TVector v = TSimd.Load(x + i);
            TVector hits = TOrEqual.On ? TSimd.GreaterThanOrEqual(v, threshold) : TSimd.GreaterThan(v, threshold);
            count += BitOperations.PopCount(TSimd.MostSignificantBits(hits));
        }

        for (; i < length && count < limit; i++)
        {
            count += x[i] > value || (TOrEqual.On && x[i] == value) ? 1 : 0;
        }

        return count;
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
                CpuPrefetch.Line(prefetch + ((long)i * (sizeof(T) / 2)));
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

    /// <summary>What the scan found: the row's top-2 values, the first index of its maximum, its minimum and <c>Σx</c>.</summary>
    private struct Scan
    {
        public T First;
        public int ArgMax;
        public T Second;
        public T Minimum;
        public double Sum;
    }
}
