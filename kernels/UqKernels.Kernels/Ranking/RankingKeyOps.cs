using System.Runtime.CompilerServices;

namespace UqKernels.Kernels.Ranking;

/// <summary>The order-preserving key of one score type, for the generic device key build.</summary>
/// <typeparam name="TScore">The stored score type (f16/bf16 as raw <see cref="ushort"/> bits).</typeparam>
public interface IRankingKeyOps<TScore>
    where TScore : unmanaged
{
    /// <summary>Significant bits of <see cref="Key"/> (16, 32 or 64).</summary>
    static abstract int KeyBits { get; }

    /// <summary>True for NaN.</summary>
    static abstract bool IsNaN(TScore score);

    /// <summary>The ascending key (<see cref="RankingKey"/>); meaningless for NaN.</summary>
    static abstract ulong Key(TScore score);
}

/// <summary>f32 scores, 32-bit keys.</summary>
public readonly struct Float32KeyOps : IRankingKeyOps<float>
{
    /// <inheritdoc/>
    public static int KeyBits => 32;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNaN(float score) => RankingKey.IsNaN(score);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Key(float score) => RankingKey.Key(score);
}

/// <summary>f64 scores, 64-bit keys.</summary>
public readonly struct Float64KeyOps : IRankingKeyOps<double>
{
    /// <inheritdoc/>
    public static int KeyBits => 64;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNaN(double score) => RankingKey.IsNaN(score);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Key(double score) => RankingKey.Key(score);
}

/// <summary>binary16 bit patterns, 16-bit keys.</summary>
public readonly struct HalfKeyOps : IRankingKeyOps<ushort>
{
    /// <inheritdoc/>
    public static int KeyBits => 16;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNaN(ushort score) => RankingKey.IsNaNHalf(score);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Key(ushort score) => (ulong)RankingKey.Key16(score);
}

/// <summary>bfloat16 bit patterns, 16-bit keys.</summary>
public readonly struct BFloat16KeyOps : IRankingKeyOps<ushort>
{
    /// <inheritdoc/>
    public static int KeyBits => 16;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNaN(ushort score) => RankingKey.IsNaNBFloat16(score);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Key(ushort score) => (ulong)RankingKey.Key16(score);
}

/// <summary>Per-segment class and NaN counts from the key build (the host applies the NaN policy from these).</summary>
public struct RankingCounts
{
    /// <summary>Positives with a non-NaN score.</summary>
    public int Positives;

    /// <summary>Negatives with a non-NaN score.</summary>
    public int Negatives;

    /// <summary>Positives with a NaN score.</summary>
    public int NaNPositives;

    /// <summary>Negatives with a NaN score.</summary>
    public int NaNNegatives;
}

/// <summary>Adds counts (the group-tree merge).</summary>
public readonly struct RankingCountsMerge : Math.IGroupMerge<RankingCounts>
{
    /// <inheritdoc/>
    public static void Merge(ref RankingCounts target, in RankingCounts other)
    {
        target.Positives += other.Positives;
        target.Negatives += other.Negatives;
        target.NaNPositives += other.NaNPositives;
        target.NaNNegatives += other.NaNNegatives;
    }
}

/// <summary>One reduction group's share of a segment's <c>2U</c> and AP sum.</summary>
public struct RankingPartial
{
    /// <summary>Sum of <see cref="TieGroupScan.TwiceUTerm"/> over the tie groups ending in this part.</summary>
    public long TwiceU;

    /// <summary>Sum of <see cref="TieGroupScan.ApTerm"/> over the same groups.</summary>
    public double Ap;
}

/// <summary>Adds partials (the group-tree merge; fixed order, so deterministic).</summary>
public readonly struct RankingPartialMerge : Math.IGroupMerge<RankingPartial>
{
    /// <inheritdoc/>
    public static void Merge(ref RankingPartial target, in RankingPartial other)
    {
        target.TwiceU += other.TwiceU;
        target.Ap += other.Ap;
    }
}
