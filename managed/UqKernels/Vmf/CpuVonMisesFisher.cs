using System.Numerics;
using UqKernels.Cpu;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;

namespace UqKernels;

/// <summary>Pinned destinations of the vMF scalars on the CPU; a null pointer is an output not requested.</summary>
internal unsafe struct VmfDestinations<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T* LogNormalizer;
    public T* LogNormalizerDelta;
    public T* ScaledLogNormalizer;
    public T* MeanResultantLength;
    public T* OneMinusMeanResultantLength;
    public T* MeanResultantLengthDerivative;
    public T* Entropy;
    public T* KlToUniform;
    public T* EntropyDerivative;
    public T* KlToUniformDerivative;

    public readonly void Write(int index, in VmfScalars<T> s)
    {
        if (LogNormalizer != null) { LogNormalizer[index] = s.LogNormalizer; }
        if (LogNormalizerDelta != null) { LogNormalizerDelta[index] = s.LogNormalizerDelta; }
        if (ScaledLogNormalizer != null) { ScaledLogNormalizer[index] = s.ScaledLogNormalizer; }
        if (MeanResultantLength != null) { MeanResultantLength[index] = s.MeanResultantLength; }
        if (OneMinusMeanResultantLength != null) { OneMinusMeanResultantLength[index] = s.OneMinusMeanResultantLength; }
        if (MeanResultantLengthDerivative != null) { MeanResultantLengthDerivative[index] = s.MeanResultantLengthDerivative; }
        if (Entropy != null) { Entropy[index] = s.Entropy; }
        if (KlToUniform != null) { KlToUniform[index] = s.KlToUniform; }
        if (EntropyDerivative != null) { EntropyDerivative[index] = s.EntropyDerivative; }
        if (KlToUniformDerivative != null) { KlToUniformDerivative[index] = s.KlToUniformDerivative; }
    }
}

/// <summary>
/// The vMF scalars on the managed backend: elements in parallel chunks; one d per call runs
/// <see cref="CpuVmfBatch"/> (several κ per SIMD vector, bit-identical to <see cref="VmfMath.Evaluate{T, TReal}"/>),
/// a d per element calls <see cref="VmfMath.Evaluate{T, TReal}"/> per element.
/// </summary>
internal static unsafe class CpuVonMisesFisher
{
    /// <summary>
    /// Work weight of one element for <see cref="CpuParallel.ForRowRanges"/>: an evaluation costs about as much as
    /// ~64 streamed elements (up to 45 series terms with a division each, or three 12-term Horner sums and a few
    /// logs), so batches above ~1,000 κ run in parallel.
    /// </summary>
    private const long CostPerElement = 64;

    public static void Run<T, TReal>(ReadOnlySpan<T> kappa, VmfOrder<T> order, VmfOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        fixed (T* kappaPointer = kappa)
        {
            T* source = kappaPointer;
            int count = kappa.Length;
            WithDestinations(outputs, destinations =>
                CpuParallel.ForRowRanges(count, CostPerElement, (start, end) =>
                    CpuVmfBatch.Run<T, TReal>(order, source, start, end, destinations)));
        }
    }

    public static void RunPerElement<T, TReal>(ReadOnlySpan<T> kappa, ReadOnlySpan<int> dimensions, VmfOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        fixed (T* kappaPointer = kappa)
        fixed (int* dimensionsPointer = dimensions)
        {
            T* source = kappaPointer;
            int* dims = dimensionsPointer;
            int count = kappa.Length;
            WithDestinations(outputs, destinations =>
                CpuParallel.ForRowRanges(count, CostPerElement, (start, end) =>
                {
                    // The constants are rebuilt only when d changes (runs of one d are the common layout).
                    int current = -1;
                    VmfOrder<T> order = default;
                    for (int i = start; i < end; i++)
                    {
                        if (dims[i] != current)
                        {
                            current = dims[i];
                            order = VmfMath.Order<T, TReal>(current);
                        }

                        destinations.Write(i, VmfMath.Evaluate<T, TReal>(order, source[i]));
                    }
                }));
        }
    }

    /// <summary>Pins every destination (an empty span pins to null) for the duration of <paramref name="body"/>.</summary>
    private static void WithDestinations<T>(VmfOutputs<T> outputs, Action<VmfDestinations<T>> body)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* logC = outputs.LogNormalizer, delta = outputs.LogNormalizerDelta, logCe = outputs.ScaledLogNormalizer)
        fixed (T* a = outputs.MeanResultantLength, oneMinusA = outputs.OneMinusMeanResultantLength)
        fixed (T* aPrime = outputs.MeanResultantLengthDerivative, entropy = outputs.Entropy, kl = outputs.KlToUniform)
        fixed (T* dEntropy = outputs.EntropyDerivative, dKl = outputs.KlToUniformDerivative)
        {
            body(new VmfDestinations<T>
            {
                LogNormalizer = logC, LogNormalizerDelta = delta, ScaledLogNormalizer = logCe, MeanResultantLength = a,
                OneMinusMeanResultantLength = oneMinusA, MeanResultantLengthDerivative = aPrime, Entropy = entropy,
                KlToUniform = kl, EntropyDerivative = dEntropy, KlToUniformDerivative = dKl,
            });
        }
    }
}
