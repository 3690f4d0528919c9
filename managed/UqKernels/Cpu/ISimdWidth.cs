using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;

namespace UqKernels.Cpu;

/// <summary>
/// One SIMD width's element-wise operations, so that a CPU path is written once over <typeparamref name="TVector"/>
/// and instantiated for <see cref="Vector256{T}"/> and <see cref="Vector512{T}"/> (the BCL's own width interface is not
/// public). Every arithmetic operation is the element-wise IEEE one, so lanes reproduce scalar code bit for bit, except the
/// explicitly fused <see cref="FusedMultiplyAdd"/> and the <c>Native</c> min/max (NaN handling left to the instruction);
/// <see cref="IVmfLanes{TLane}.Constant"/> rounds through <see cref="IReal{T}.FromDouble"/>. A comparison returns a lane
/// mask: all bits set where true.
/// </summary>
/// <typeparam name="TVector">The vector type.</typeparam>
/// <typeparam name="T">The element type.</typeparam>
internal unsafe interface ISimdWidth<TVector, T> : IVmfLanes<TVector>
    where TVector : unmanaged
    where T : unmanaged
{
    /// <summary>Whether this width runs as native instructions here (and the runtime prefers it).</summary>
    static abstract bool IsAccelerated { get; }

    /// <summary>Elements per vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Zero { get; }

    static abstract TVector One { get; }

    /// <summary>
    /// Lane <c>l</c> holds <c>2^(l/Count)</c> rounded to <typeparamref name="T"/>: the table of the f32 exponential's
    /// reduction (<see cref="SimdExp"/>), a constant of the code, so a loop keeps it in a register.
    /// </summary>
    static abstract TVector FractionalPowersOfTwo { get; }

    static abstract TVector AllBitsSet { get; }

    static abstract TVector Create(T value);

    static abstract TVector Load(T* source);

    static abstract void Store(TVector value, T* destination);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Divide(TVector a, TVector b);

    static abstract TVector Negate(TVector a);

    static abstract TVector Sqrt(TVector a);

    static abstract TVector Abs(TVector a);

    static abstract TVector LessThan(TVector a, TVector b);

    static abstract TVector LessThanOrEqual(TVector a, TVector b);

    static abstract TVector GreaterThanOrEqual(TVector a, TVector b);

    static abstract TVector BitwiseAnd(TVector a, TVector b);

    static abstract TVector BitwiseOr(TVector a, TVector b);

    /// <summary><c>a &amp; ~b</c>.</summary>
    static abstract TVector AndNot(TVector a, TVector b);

    /// <summary>Per lane: <paramref name="mask"/> set → <paramref name="whenSet"/>, else <paramref name="otherwise"/>.</summary>
    static abstract TVector ConditionalSelect(TVector mask, TVector whenSet, TVector otherwise);

    /// <summary>Bit <c>l</c> = sign bit of lane <c>l</c>.</summary>
    static abstract uint MostSignificantBits(TVector value);

    /// <summary>Per lane <c>a &gt; b ? a : b</c> as one instruction (x86 returns <paramref name="b"/> when either is NaN).</summary>
    static abstract TVector MaxNative(TVector a, TVector b);

    /// <summary>Per lane <c>a &lt; b ? a : b</c> as one instruction (x86 returns <paramref name="b"/> when either is NaN).</summary>
    static abstract TVector MinNative(TVector a, TVector b);

    static abstract TVector GreaterThan(TVector a, TVector b);

    static abstract TVector Equal(TVector a, TVector b);

    /// <summary><c>a·b + c</c> with one rounding.</summary>
    static abstract TVector FusedMultiplyAdd(TVector a, TVector b, TVector c);

    /// <summary>The BCL's lane-wise <c>e^a</c> (an f64 evaluation for f32 lanes; accurate, not fast).</summary>
    static abstract TVector Exp(TVector a);

    /// <summary>
    /// <c>p·2^⌊n⌋</c>: exact (AVX-512 <c>vscalef</c>) where the result is a normal number; the exponent-bits fallback
    /// without AVX-512 needs <c>−126 ≤ ⌊n⌋ ≤ 127</c> (f32) or <c>−1022 ≤ ⌊n⌋ ≤ 1023</c> (f64).
    /// </summary>
    static abstract TVector ScaleByPowerOfTwo(TVector p, TVector n);

    /// <summary>
    /// Lane <c>l</c> of the result is lane <c>i mod Count</c> of <paramref name="table"/>, where <c>i</c> is lane <c>l</c> of
    /// <paramref name="index"/> read as an integer of <typeparamref name="T"/>'s width (one <c>vpermps</c> for f32: only
    /// the low bits of the index are read).
    /// </summary>
    static abstract TVector Permute(TVector table, TVector index);

    /// <summary>The sum of the lanes.</summary>
    static abstract T Sum(TVector a);

    /// <summary>The largest lane (no lane may be NaN).</summary>
    static abstract T MaxAcross(TVector a);

    /// <summary>The smallest lane (no lane may be NaN).</summary>
    static abstract T MinAcross(TVector a);

    /// <summary>The mask of lanes <c>l ≥ <paramref name="first"/></c>.</summary>
    static abstract TVector LanesFrom(int first);

    /// <summary>
    /// Every lane holding <paramref name="index"/> as an integer of <typeparamref name="T"/>'s width (its bits, not a
    /// value of <typeparamref name="T"/>, so any <see cref="int"/> is exact): one broadcast, for tracking a position
    /// per lane with <see cref="ConditionalSelect"/>.
    /// </summary>
    static abstract TVector IndexInLanes(int index);

    /// <summary>Lane <paramref name="lane"/> of a vector of <see cref="IndexInLanes"/> lanes, as the integer.</summary>
    static abstract int IndexInLane(TVector indices, int lane);
}

/// <summary>256-bit lanes.</summary>
internal readonly unsafe struct Simd256<T, TReal> : ISimdWidth<Vector256<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TReal : struct, IReal<T>
{
    public static bool IsAccelerated
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported;
    }

    public static int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256<T>.Count;
    }

    public static Vector256<T> Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256<T>.Zero;
    }

    public static Vector256<T> One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256<T>.One;
    }

    public static Vector256<T> FractionalPowersOfTwo
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => typeof(T) == typeof(float)
            ? Vector256.Create(
                1.0f, 1.0905077457427979f, 1.1892070770263672f, 1.2968395948410034f, 1.4142135381698608f,
                1.5422108173370361f, 1.6817928552627563f, 1.8340080976486206f).As<float, T>()
            : Vector256.Create(1.0, 1.189207115002721, 1.4142135623730951, 1.681792830507429).As<double, T>();
    }

    public static Vector256<T> AllBitsSet
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256<T>.AllBitsSet;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Create(T value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Constant(double value) => Vector256.Create(TReal.FromDouble(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(T* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, T* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> a, Vector256<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Subtract(Vector256<T> a, Vector256<T> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Divide(Vector256<T> a, Vector256<T> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Negate(Vector256<T> a) => -a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sqrt(Vector256<T> a) => Vector256.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Abs(Vector256<T> a) => Vector256.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LessThan(Vector256<T> a, Vector256<T> b) => Vector256.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LessThanOrEqual(Vector256<T> a, Vector256<T> b) => Vector256.LessThanOrEqual(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> GreaterThanOrEqual(Vector256<T> a, Vector256<T> b) => Vector256.GreaterThanOrEqual(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> BitwiseAnd(Vector256<T> a, Vector256<T> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> BitwiseOr(Vector256<T> a, Vector256<T> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> AndNot(Vector256<T> a, Vector256<T> b) => Vector256.AndNot(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ConditionalSelect(Vector256<T> mask, Vector256<T> whenSet, Vector256<T> otherwise) =>
        Vector256.ConditionalSelect(mask, whenSet, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint MostSignificantBits(Vector256<T> value) => value.ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MaxNative(Vector256<T> a, Vector256<T> b) => Vector256.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MinNative(Vector256<T> a, Vector256<T> b) => Vector256.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> GreaterThan(Vector256<T> a, Vector256<T> b) => Vector256.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Equal(Vector256<T> a, Vector256<T> b) => Vector256.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> FusedMultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp(Vector256<T> a) =>
        typeof(T) == typeof(float)
            ? Vector256.Exp(a.As<T, float>()).As<float, T>()
            : Vector256.Exp(a.As<T, double>()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ScaleByPowerOfTwo(Vector256<T> p, Vector256<T> n)
    {
        if (typeof(T) == typeof(float))
        {
            if (Avx512F.VL.IsSupported)
            {
                return Avx512F.VL.Scale(p.As<T, float>(), n.As<T, float>()).As<float, T>();
            }

            Vector256<int> bits = (Vector256.ConvertToInt32Native(Vector256.Floor(n.As<T, float>())) + Vector256.Create(127)) << 23;
            return p * bits.As<int, T>();
        }

        if (Avx512F.VL.IsSupported)
        {
            return Avx512F.VL.Scale(p.As<T, double>(), n.As<T, double>()).As<double, T>();
        }

        Vector256<long> wideBits = (Vector256.ConvertToInt64Native(Vector256.Floor(n.As<T, double>())) + Vector256.Create(1023L)) << 52;
        return p * wideBits.As<long, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Permute(Vector256<T> table, Vector256<T> index) =>
        typeof(T) == typeof(float)
            ? Avx2.IsSupported
                ? Avx2.PermuteVar8x32(table.As<T, float>(), index.As<T, int>()).As<float, T>()
                : Vector256.Shuffle(table.As<T, float>(), index.As<T, int>() & Vector256.Create(7)).As<float, T>()
            : Vector256.Shuffle(table.As<T, double>(), index.As<T, long>() & Vector256.Create(3L)).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> a) => Vector256.Sum(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxAcross(Vector256<T> a) => Across.Max(Vector128.MaxNative(a.GetLower(), a.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MinAcross(Vector256<T> a) => Across.Min(Vector128.MinNative(a.GetLower(), a.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LanesFrom(int first) =>
        Vector256.GreaterThanOrEqual(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(first)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> IndexInLanes(int index) => typeof(T) == typeof(float)
        ? Vector256.Create(index).As<int, T>()
        : Vector256.Create((long)index).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexInLane(Vector256<T> indices, int lane) => typeof(T) == typeof(float)
        ? indices.As<T, int>().GetElement(lane)
        : (int)indices.As<T, long>().GetElement(lane);
}

/// <summary>512-bit lanes.</summary>
internal readonly unsafe struct Simd512<T, TReal> : ISimdWidth<Vector512<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TReal : struct, IReal<T>
{
    public static bool IsAccelerated
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported;
    }

    public static int Count
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512<T>.Count;
    }

    public static Vector512<T> Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512<T>.Zero;
    }

    public static Vector512<T> One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512<T>.One;
    }

    public static Vector512<T> FractionalPowersOfTwo
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => typeof(T) == typeof(float)
            ? Vector512.Create(
                1.0f, 1.0442737340927124f, 1.0905077457427979f, 1.1387885808944702f, 1.1892070770263672f,
                1.2418577671051025f, 1.2968395948410034f, 1.3542555570602417f, 1.4142135381698608f, 1.4768261909484863f,
                1.5422108173370361f, 1.610490322113037f, 1.6817928552627563f, 1.7562521696090698f, 1.8340080976486206f,
                1.9152065515518188f).As<float, T>()
            : Vector512.Create(
                1.0, 1.0905077326652577, 1.189207115002721, 1.2968395546510096, 1.4142135623730951, 1.5422108254079407,
                1.681792830507429, 1.8340080864093424).As<double, T>();
    }

    public static Vector512<T> AllBitsSet
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512<T>.AllBitsSet;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Create(T value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Constant(double value) => Vector512.Create(TReal.FromDouble(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(T* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, T* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Multiply(Vector512<T> a, Vector512<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Subtract(Vector512<T> a, Vector512<T> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Divide(Vector512<T> a, Vector512<T> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Negate(Vector512<T> a) => -a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sqrt(Vector512<T> a) => Vector512.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Abs(Vector512<T> a) => Vector512.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LessThan(Vector512<T> a, Vector512<T> b) => Vector512.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LessThanOrEqual(Vector512<T> a, Vector512<T> b) => Vector512.LessThanOrEqual(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> GreaterThanOrEqual(Vector512<T> a, Vector512<T> b) => Vector512.GreaterThanOrEqual(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> BitwiseAnd(Vector512<T> a, Vector512<T> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> BitwiseOr(Vector512<T> a, Vector512<T> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> AndNot(Vector512<T> a, Vector512<T> b) => Vector512.AndNot(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ConditionalSelect(Vector512<T> mask, Vector512<T> whenSet, Vector512<T> otherwise) =>
        Vector512.ConditionalSelect(mask, whenSet, otherwise);

    // At most 16 lanes for the element types used here (f32, f64), so the 64-bit mask fits 32 bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint MostSignificantBits(Vector512<T> value) => (uint)value.ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MaxNative(Vector512<T> a, Vector512<T> b) => Vector512.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MinNative(Vector512<T> a, Vector512<T> b) => Vector512.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> GreaterThan(Vector512<T> a, Vector512<T> b) => Vector512.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Equal(Vector512<T> a, Vector512<T> b) => Vector512.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> FusedMultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>()
            : Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp(Vector512<T> a) =>
        typeof(T) == typeof(float)
            ? Vector512.Exp(a.As<T, float>()).As<float, T>()
            : Vector512.Exp(a.As<T, double>()).As<double, T>();

    // Vector512 is accelerated only where AVX-512F is.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ScaleByPowerOfTwo(Vector512<T> p, Vector512<T> n) =>
        typeof(T) == typeof(float)
            ? Avx512F.Scale(p.As<T, float>(), n.As<T, float>()).As<float, T>()
            : Avx512F.Scale(p.As<T, double>(), n.As<T, double>()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Permute(Vector512<T> table, Vector512<T> index) =>
        typeof(T) == typeof(float)
            ? Avx512F.PermuteVar16x32(table.As<T, float>(), index.As<T, int>()).As<float, T>()
            : Avx512F.PermuteVar8x64(table.As<T, double>(), index.As<T, long>()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> a) => Vector512.Sum(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MaxAcross(Vector512<T> a)
    {
        Vector256<T> half = Vector256.MaxNative(a.GetLower(), a.GetUpper());
        return Across.Max(Vector128.MaxNative(half.GetLower(), half.GetUpper()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MinAcross(Vector512<T> a)
    {
        Vector256<T> half = Vector256.MinNative(a.GetLower(), a.GetUpper());
        return Across.Min(Vector128.MinNative(half.GetLower(), half.GetUpper()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LanesFrom(int first) =>
        Vector512.GreaterThanOrEqual(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(first)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> IndexInLanes(int index) => typeof(T) == typeof(float)
        ? Vector512.Create(index).As<int, T>()
        : Vector512.Create((long)index).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexInLane(Vector512<T> indices, int lane) => typeof(T) == typeof(float)
        ? indices.As<T, int>().GetElement(lane)
        : (int)indices.As<T, long>().GetElement(lane);
}

/// <summary>
/// The last step of a lane reduction, over one 128-bit vector (4 f32 or 2 f64 lanes): halves folded onto each other with
/// shuffles and the native min/max, free of branches (a lane-by-lane compare and select compiled to one data-dependent
/// branch per lane, which random rows mispredict). The lanes must not be NaN; a zero result may carry either sign.
/// </summary>
internal static class Across
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max<T>(Vector128<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            Vector128<float> lanes = a.AsSingle();
            lanes = Vector128.MaxNative(lanes, Vector128.Shuffle(lanes, Vector128.Create(2, 3, 0, 1)));
            lanes = Vector128.MaxNative(lanes, Vector128.Shuffle(lanes, Vector128.Create(1, 0, 3, 2)));
            return T.CreateTruncating(lanes.ToScalar());
        }

        Vector128<double> pair = a.AsDouble();
        return T.CreateTruncating(Vector128.MaxNative(pair, Vector128.Shuffle(pair, Vector128.Create(1L, 0L))).ToScalar());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Min<T>(Vector128<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            Vector128<float> lanes = a.AsSingle();
            lanes = Vector128.MinNative(lanes, Vector128.Shuffle(lanes, Vector128.Create(2, 3, 0, 1)));
            lanes = Vector128.MinNative(lanes, Vector128.Shuffle(lanes, Vector128.Create(1, 0, 3, 2)));
            return T.CreateTruncating(lanes.ToScalar());
        }

        Vector128<double> pair = a.AsDouble();
        return T.CreateTruncating(Vector128.MinNative(pair, Vector128.Shuffle(pair, Vector128.Create(1L, 0L))).ToScalar());
    }
}
