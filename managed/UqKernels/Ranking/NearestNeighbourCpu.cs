using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using UqKernels.Cpu;
using UqKernels.Kernels.Ranking;

namespace UqKernels;

/// <summary>One SIMD width for the nearest-neighbour micro-kernel; the JIT specialises the kernel per struct.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TVector">The vector type.</typeparam>
internal interface INearestNeighbourLanes<T, TVector>
    where T : unmanaged
    where TVector : struct
{
    static abstract int Count { get; }

    static abstract TVector Load(ref T source, nuint offset);

    /// <summary><c>a·b + addend</c>, fused for f32/f64.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector addend);

    static abstract T Sum(TVector value);
}

internal readonly struct NearestNeighbourLanes512<T> : INearestNeighbourLanes<T, Vector512<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(ref T source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), addend.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), addend.AsDouble()).As<double, T>();
        }

        return (a * b) + addend;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> value) => Vector512.Sum(value);
}

internal readonly struct NearestNeighbourLanes256<T> : INearestNeighbourLanes<T, Vector256<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref T source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), addend.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), addend.AsDouble()).As<double, T>();
        }

        return (a * b) + addend;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> value) => Vector256.Sum(value);
}

internal readonly struct NearestNeighbourLanes128<T> : INearestNeighbourLanes<T, Vector128<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(ref T source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), addend.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), addend.AsDouble()).As<double, T>();
        }

        return (a * b) + addend;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> value) => Vector128.Sum(value);
}

/// <summary>
/// The cosine nearest-neighbour search of R@1 on the managed SIMD backend: a blocked <c>F·Fᵀ</c> with a running top-1
/// per row, computing each symmetric pair once. Query rows are split into parallel chunks of 4-row blocks; each chunk
/// streams candidate tiles sized for L2 and a 4×4 register-blocked micro-kernel computes 16 dot products at once with
/// fused multiply-adds over the (zero padded) feature dimension. Every dot product is the same operation sequence
/// whatever its position in a block (and a·b = b·a exactly), so exact duplicates give bit-identical similarities and the
/// lowest index wins.
/// </summary>
internal static class NearestNeighbourCpu
{
    private const int BlockRows = 4;

    /// <summary>Bytes of candidate rows per tile (kept in L2 while every query block of a chunk passes over it).</summary>
    private const int TileBytes = 256 * 1024;

    /// <summary>
    /// Fills <paramref name="nearest"/> [rows] from normalised, zero-padded features <c>[paddedRows, paddedColumns]</c>
    /// (both multiples of <see cref="NearestNeighbour.Padding"/>).
    /// </summary>
    public static void Search<T>(T[] features, int rows, int paddedRows, int paddedColumns, int[] nearest)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Search<T, Vector512<T>, NearestNeighbourLanes512<T>>(features, rows, paddedRows, paddedColumns, nearest);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Search<T, Vector256<T>, NearestNeighbourLanes256<T>>(features, rows, paddedRows, paddedColumns, nearest);
        }
        else
        {
            Search<T, Vector128<T>, NearestNeighbourLanes128<T>>(features, rows, paddedRows, paddedColumns, nearest);
        }
    }

    private static void Search<T, TVector, TLanes>(T[] features, int rows, int paddedRows, int paddedColumns, int[] nearest)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TLanes : struct, INearestNeighbourLanes<T, TVector>
    {
        // S is symmetric: only 4×4 blocks on or above the diagonal are computed, and each similarity updates both of its
        // rows. Work item p owns query blocks p and B − 1 − p (equal total work per item); each parallel chunk keeps a
        // private top-1 for every row, and the chunks' tops are merged at the end with the same order-independent rule.
        int blocks = paddedRows / BlockRows;
        int items = (blocks + 1) / 2;
        int tileRows = Math.Max(BlockRows, TileBytes / (paddedColumns * Unsafe.SizeOf<T>()) / BlockRows * BlockRows);
        var partials = new List<(T[] Best, int[] Index)>();
        CpuParallel.ForRowRanges(items, (long)paddedRows * paddedColumns, (firstItem, endItem) =>
        {
            var best = new T[paddedRows];
            var bestIndex = new int[paddedRows];
            Array.Fill(best, T.NegativeInfinity);
            Array.Fill(bestIndex, -1);
            var owned = new List<int>();
            for (int item = firstItem; item < endItem; item++)
            {
                owned.Add(item);
                if (blocks - 1 - item != item)
                {
                    owned.Add(blocks - 1 - item);
                }
            }

            Span<T> dots = stackalloc T[BlockRows * BlockRows];
            for (int tile = 0; tile < paddedRows; tile += tileRows)
            {
                int tileEnd = Math.Min(tile + tileRows, paddedRows);
                foreach (int block in owned)
                {
                    int query = block * BlockRows;
                    ref T queries = ref features[(long)query * paddedColumns];
                    for (int candidate = Math.Max(tile, query); candidate < tileEnd; candidate += BlockRows)
                    {
                        Dots4x4<T, TVector, TLanes>(
                            ref queries, ref features[(long)candidate * paddedColumns], paddedColumns, dots);
                        bool diagonal = candidate == query;
                        for (int r = 0; r < BlockRows; r++)
                        {
                            int i = query + r;
                            for (int c = 0; c < BlockRows; c++)
                            {
                                int j = candidate + c;
                                if (i >= rows || j >= rows || i == j)
                                {
                                    continue;
                                }

                                T similarity = dots[(r * BlockRows) + c];
                                if (NearestNeighbour.Better(similarity, j, best[i], bestIndex[i]))
                                {
                                    best[i] = similarity;
                                    bestIndex[i] = j;
                                }

                                // Off the diagonal the block's transpose is not computed: (j, i) has the same similarity.
                                if (!diagonal && NearestNeighbour.Better(similarity, i, best[j], bestIndex[j]))
                                {
                                    best[j] = similarity;
                                    bestIndex[j] = i;
                                }
                            }
                        }
                    }
                }
            }

            lock (partials)
            {
                partials.Add((best, bestIndex));
            }
        });

        for (int i = 0; i < rows; i++)
        {
            T top = T.NegativeInfinity;
            int topIndex = -1;
            foreach ((T[] best, int[] index) in partials)
            {
                if (index[i] >= 0 && NearestNeighbour.Better(best[i], index[i], top, topIndex))
                {
                    top = best[i];
                    topIndex = index[i];
                }
            }

            nearest[i] = topIndex;
        }
    }

    /// <summary>The 16 dot products of 4 query rows with 4 candidate rows (rows <paramref name="stride"/> apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dots4x4<T, TVector, TLanes>(ref T queries, ref T candidates, int stride, Span<T> dots)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TLanes : struct, INearestNeighbourLanes<T, TVector>
    {
        nuint s = (nuint)stride;
        TVector a00 = default, a01 = default, a02 = default, a03 = default;
        TVector a10 = default, a11 = default, a12 = default, a13 = default;
        TVector a20 = default, a21 = default, a22 = default, a23 = default;
        TVector a30 = default, a31 = default, a32 = default, a33 = default;
        for (nuint k = 0; k < s; k += (nuint)TLanes.Count)
        {
            TVector c0 = TLanes.Load(ref candidates, k);
            TVector c1 = TLanes.Load(ref candidates, s + k);
            TVector c2 = TLanes.Load(ref candidates, (2 * s) + k);
            TVector c3 = TLanes.Load(ref candidates, (3 * s) + k);
            TVector q = TLanes.Load(ref queries, k);
            a00 = TLanes.MultiplyAdd(q, c0, a00);
            a01 = TLanes.MultiplyAdd(q, c1, a01);
            a02 = TLanes.MultiplyAdd(q, c2, a02);
            a03 = TLanes.MultiplyAdd(q, c3, a03);
            q = TLanes.Load(ref queries, s + k);
            a10 = TLanes.MultiplyAdd(q, c0, a10);
            a11 = TLanes.MultiplyAdd(q, c1, a11);
            a12 = TLanes.MultiplyAdd(q, c2, a12);
            a13 = TLanes.MultiplyAdd(q, c3, a13);
            q = TLanes.Load(ref queries, (2 * s) + k);
            a20 = TLanes.MultiplyAdd(q, c0, a20);
            a21 = TLanes.MultiplyAdd(q, c1, a21);
            a22 = TLanes.MultiplyAdd(q, c2, a22);
            a23 = TLanes.MultiplyAdd(q, c3, a23);
            q = TLanes.Load(ref queries, (3 * s) + k);
            a30 = TLanes.MultiplyAdd(q, c0, a30);
            a31 = TLanes.MultiplyAdd(q, c1, a31);
            a32 = TLanes.MultiplyAdd(q, c2, a32);
            a33 = TLanes.MultiplyAdd(q, c3, a33);
        }

        dots[0] = TLanes.Sum(a00);
        dots[1] = TLanes.Sum(a01);
        dots[2] = TLanes.Sum(a02);
        dots[3] = TLanes.Sum(a03);
        dots[4] = TLanes.Sum(a10);
        dots[5] = TLanes.Sum(a11);
        dots[6] = TLanes.Sum(a12);
        dots[7] = TLanes.Sum(a13);
        dots[8] = TLanes.Sum(a20);
        dots[9] = TLanes.Sum(a21);
        dots[10] = TLanes.Sum(a22);
        dots[11] = TLanes.Sum(a23);
        dots[12] = TLanes.Sum(a30);
        dots[13] = TLanes.Sum(a31);
        dots[14] = TLanes.Sum(a32);
        dots[15] = TLanes.Sum(a33);
    }
}
