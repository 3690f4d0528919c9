using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace UqKernels.Cpu;

/// <summary>Vectorised element counts (the label-rank count of top-k correctness).</summary>
internal static class SimdCount
{
    /// <summary>
    /// <c>#{i : x[i] &gt; value}</c>, or <c>#{i : x[i] ≥ value}</c> when <paramref name="orEqual"/>; NaN never counts.
    /// </summary>
    public static int Above<T>(ReadOnlySpan<T> x, T value, bool orEqual)
        where T : unmanaged, INumber<T>
    {
        // A true lane of a comparison mask is all ones: summed as int32 lanes it gives −1 per 4 bytes of element.
        int int32LanesPerElement = Unsafe.SizeOf<T>() / sizeof(int);
        ReadOnlySpan<Vector<T>> vectors = Vector.IsHardwareAccelerated
            ? MemoryMarshal.Cast<T, Vector<T>>(x)
            : default;
        var threshold = new Vector<T>(value);
        Vector<int> negativeCounts = Vector<int>.Zero;
        foreach (Vector<T> v in vectors)
        {
            Vector<T> mask = orEqual ? Vector.GreaterThanOrEqual(v, threshold) : Vector.GreaterThan(v, threshold);
            negativeCounts += Vector.AsVectorInt32(mask);
        }

        int count = -Vector.Sum(negativeCounts) / int32LanesPerElement;
        for (int i = vectors.Length * Vector<T>.Count; i < x.Length; i++)
        {
            if (x[i] > value || (orEqual && x[i] == value))
            {
                count++;
            }
        }

        return count;
    }
}
