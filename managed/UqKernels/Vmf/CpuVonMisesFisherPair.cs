using System.Numerics;
using UqKernels.Cpu;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;

namespace UqKernels;

/// <summary>
/// The vMF pair operations on the managed backend: elements in parallel chunks, each element the shared
/// <see cref="VmfPairMath"/> (bit-identical to calling it directly), and <c>‖a − b‖²/2</c> per row with SIMD.
/// </summary>
internal static unsafe class CpuVonMisesFisherPair
{
    /// <summary>Work weight of one element (two or three scalar-core evaluations; see <see cref="CpuVonMisesFisher"/>).</summary>
    private const long CostPerElement = 160;

    /// <summary><c>destination[i] = ‖a_i − b_i‖²/2</c> for the rows of two row-major <c>[rows, columns]</c> matrices.</summary>
    public static void HalfSquaredDistances<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rows, int columns, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* aPointer = a, bPointer = b, destinationPointer = destination)
        {
            T* left = aPointer;
            T* right = bPointer;
            T* output = destinationPointer;
            CpuParallel.ForRowRanges(rows, columns, (start, end) =>
            {
                for (int row = start; row < end; row++)
                {
                    long offset = (long)row * columns;
                    output[row] = HalfSquaredDistance(left + offset, right + offset, columns);
                }
            });
        }
    }

    /// <summary><c>‖a − b‖²/2</c> over <paramref name="length"/> elements: two SIMD accumulators, then the tail.</summary>
    internal static T HalfSquaredDistance<T>(T* a, T* b, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector<T>.Count;
        var sum0 = Vector<T>.Zero;
        var sum1 = Vector<T>.Zero;
        int i = 0;
        for (; i <= length - (2 * width); i += 2 * width)
        {
            Vector<T> d0 = Vector.Load(a + i) - Vector.Load(b + i);
            Vector<T> d1 = Vector.Load(a + i + width) - Vector.Load(b + i + width);
            sum0 += d0 * d0;
            sum1 += d1 * d1;
        }

        T sum = Vector.Sum(sum0 + sum1);
        for (; i < length; i++)
        {
            T d = a[i] - b[i];
            sum += d * d;
        }

        return sum / (T.One + T.One);
    }

    public static void Kl<T, TReal>(
        ReadOnlySpan<T> kappa1, ReadOnlySpan<T> kappa2, ReadOnlySpan<T> oneMinusCosine, VmfOrder<T> order, VmfKlOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        fixed (T* k1Pointer = kappa1, k2Pointer = kappa2, cosinePointer = oneMinusCosine)
        fixed (T* klPointer = outputs.Divergence, d1Pointer = outputs.DerivativeKappa1, d2Pointer = outputs.DerivativeKappa2)
        {
            T* k1 = k1Pointer;
            T* k2 = k2Pointer;
            T* omc = cosinePointer;
            T* kl = klPointer;
            T* d1 = d1Pointer;
            T* d2 = d2Pointer;
            CpuParallel.ForRowRanges(kappa1.Length, CostPerElement, (start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    VmfPairMath.Kl<T, TReal>(order, k1[i], k2[i], omc[i], out T divergence, out T derivative1, out T derivative2);
                    if (kl != null) { kl[i] = divergence; }
                    if (d1 != null) { d1[i] = derivative1; }
                    if (d2 != null) { d2[i] = derivative2; }
                }
            });
        }
    }

    public static void ExpectedLikelihoodKernel<T, TReal>(
        ReadOnlySpan<T> kappa1, ReadOnlySpan<T> kappa2, ReadOnlySpan<T> oneMinusCosine, VmfOrder<T> order, T rho, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        fixed (T* k1Pointer = kappa1, k2Pointer = kappa2, cosinePointer = oneMinusCosine, outputPointer = destination)
        {
            T* k1 = k1Pointer;
            T* k2 = k2Pointer;
            T* omc = cosinePointer;
            T* output = outputPointer;
            CpuParallel.ForRowRanges(kappa1.Length, CostPerElement, (start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    output[i] = VmfPairMath.ExpectedLikelihoodKernel<T, TReal>(order, k1[i], k2[i], omc[i], rho);
                }
            });
        }
    }

    public static void LogDensity<T, TReal>(
        ReadOnlySpan<T> kappa, ReadOnlySpan<T> oneMinusCosine, VmfOrder<T> order, VmfLogDensityOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        fixed (T* kappaPointer = kappa, cosinePointer = oneMinusCosine)
        fixed (T* logPointer = outputs.LogDensity, derivativePointer = outputs.DerivativeKappa)
        {
            T* k = kappaPointer;
            T* omc = cosinePointer;
            T* log = logPointer;
            T* derivative = derivativePointer;
            CpuParallel.ForRowRanges(kappa.Length, CostPerElement / 2, (start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    VmfPairMath.LogDensity<T, TReal>(order, k[i], omc[i], out T value, out T slope);
                    if (log != null) { log[i] = value; }
                    if (derivative != null) { derivative[i] = slope; }
                }
            });
        }
    }
}
