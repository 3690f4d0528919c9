using System.Runtime.CompilerServices;
using UqKernels.Kernels.Ranking;

namespace UqKernels;

/// <summary>
/// Float → order-preserving unsigned keys (uq_metrics.md §2.1): <c>key(a) &lt; key(b) ⇔ a &lt; b</c> and
/// <c>key(a) = key(b) ⇔ a = b</c> for non-NaN a, b. −0 is canonicalised to +0 first, so the two zeros are one key;
/// ±∞ map to the extreme keys of the non-NaN values. NaN keys are meaningless (their position depends on the NaN's
/// sign bit) and must be filtered with <see cref="IsNaN(float)"/> before the sort. Delegates to the shared
/// <see cref="RankingKey"/> that the device kernels use.
/// </summary>
internal static class RankingKeys
{
    /// <summary>The ascending key of <paramref name="value"/>: <c>v ^ (sign(v) ? 0xFFFFFFFF : 0x80000000)</c> with <c>v = bits(value + 0)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Key(float value) => RankingKey.Key(value);

    /// <summary>The 64-bit analogue of <see cref="Key(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Key(double value) => RankingKey.Key(value);

    /// <summary>True for any NaN (quiet or signalling, either sign).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNaN(float value) => float.IsNaN(value);

    /// <summary>True for any NaN (quiet or signalling, either sign).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNaN(double value) => double.IsNaN(value);
}
