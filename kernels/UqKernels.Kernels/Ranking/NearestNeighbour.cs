using System.Numerics;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Ranking;

/// <summary>
/// The scalar rules of the cosine nearest-neighbour search behind R@1 (uq_metrics.md §2.6), shared by the CPU path and
/// the device kernel: row normalisation and the top-1 order (larger similarity first, ties to the lowest index).
/// </summary>
public static class NearestNeighbour
{
    /// <summary>
    /// Rows and feature columns of the normalised search matrix are padded with zeros to a multiple of this, so every
    /// tile and SIMD block is full (a zero column adds exactly 0 to every dot product; zero rows are never candidates).
    /// </summary>
    public const int Padding = 16;

    /// <summary><paramref name="count"/> rounded up to a multiple of <see cref="Padding"/>.</summary>
    public static int Padded(int count) => (count + Padding - 1) / Padding * Padding;

    /// <summary>
    /// True when candidate <paramref name="index"/> with similarity <paramref name="similarity"/> beats the current best
    /// (<paramref name="bestIndex"/> = −1 means none yet): a strictly larger similarity wins, an equal one wins only with a
    /// lower index. Scanning candidates in any order and merging partial bests with this rule gives the same answer:
    /// the lowest index among the maximal similarities (<c>np.argmax</c> semantics).
    /// </summary>
    public static bool Better<T>(T similarity, int index, T bestSimilarity, int bestIndex)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        bestIndex < 0 || similarity > bestSimilarity || (similarity == bestSimilarity && index < bestIndex);

    /// <summary>
    /// Writes the L2-normalised <paramref name="row"/> into <paramref name="destination"/> (which may be longer; the rest
    /// is zeroed): NaN elements count as 0 (URL replaces NaN features by 0), the sum of squares and the scale
    /// <c>1/‖x‖</c> are computed in f64 and each element is rounded once to <typeparamref name="T"/>. A row whose norm is 0
    /// stays zero (sklearn <c>normalize</c>). The caller rejects infinite elements.
    /// </summary>
    public static void NormalizeRow<T, TReal>(ReadOnlySpan<T> row, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        double sumOfSquares = 0;
        foreach (T x in row)
        {
            double v = T.IsNaN(x) ? 0 : TReal.ToDouble(x);
            sumOfSquares += v * v;
        }

        double scale = sumOfSquares > 0 ? 1.0 / System.Math.Sqrt(sumOfSquares) : 0;
        for (int i = 0; i < row.Length; i++)
        {
            T x = row[i];
            destination[i] = T.IsNaN(x) ? T.Zero : TReal.FromDouble(TReal.ToDouble(x) * scale);
        }

        destination[row.Length..].Clear();
    }
}
