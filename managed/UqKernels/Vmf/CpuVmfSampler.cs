using System.Numerics;
using UqKernels.Cpu;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;

namespace UqKernels;

/// <summary>A row of μ and of the samples in pinned host memory.</summary>
internal unsafe struct CpuVmfSampleRow<T> : IVmfSampleRow<T>
    where T : unmanaged
{
    public T* MuRow;
    public T* XRow;

    public readonly T Mu(int j) => MuRow[j];

    public readonly T Read(int j) => XRow[j];

    public readonly void Write(int j, T value) => XRow[j] = value;
}

/// <summary>A backward row in pinned host memory.</summary>
internal unsafe struct CpuVmfGradientRow<T> : IVmfGradientRow<T>
    where T : unmanaged
{
    public T* MuRow;
    public T* UpstreamElement;
    public T* UpstreamSample;
    public T* Accumulator;
    public int Dimension;

    public readonly T Mu(int j) => MuRow[j];

    public void SelectSample(int sample) => UpstreamSample = UpstreamElement + ((long)sample * Dimension);

    public readonly T Upstream(int j) => UpstreamSample[j];

    public readonly T ReadAccumulator(int j) => Accumulator[j];

    public readonly void WriteAccumulator(int j, T value) => Accumulator[j] = value;
}

/// <summary>
/// The vMF sampler on the managed backend: samples (forward) or elements (backward) in parallel chunks, each calling
/// the shared <see cref="VmfSampler"/> routines — the same arithmetic, in the same order, as the ILGPU kernel.
/// </summary>
internal static unsafe class CpuVmfSampler
{
    /// <summary>Work weight per coordinate of a sample: a Philox block per 4 normals, a log and a sqrt per 2, 3 passes.</summary>
    private const long CostPerCoordinate = 16;

    public static void Run<T, TReal>(
        ReadOnlySpan<T> mu, T[] muScale, ReadOnlySpan<T> kappa, VmfSampleParameters<T> parameters, VmfSampleOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        int d = parameters.Dimension;
        int samples = parameters.Samples;
        int count = kappa.Length * samples;
        fixed (T* muPointer = mu, kappaPointer = kappa, scalePointer = muScale)
        fixed (T* xPointer = outputs.Samples, cosinePointer = outputs.Cosines)
        fixed (int* proposalPointer = outputs.Proposals)
        {
            T* muBase = muPointer, kappas = kappaPointer, scales = scalePointer, xBase = xPointer, cosines = cosinePointer;
            int* proposals = proposalPointer;
            CpuParallel.ForRowRanges(count, (d + 16) * CostPerCoordinate, (start, end) =>
            {
                int currentElement = -1;
                VmfSampleElement<T> el = default;
                for (int index = start; index < end; index++)
                {
                    int element = index / samples;
                    int sample = index - (element * samples);
                    if (element != currentElement)
                    {
                        currentElement = element;
                        el = VmfSampler.Element<T, TReal>(parameters, kappas[element]);
                    }

                    var row = new CpuVmfSampleRow<T> { MuRow = muBase + ((long)element * d), XRow = xBase + ((long)index * d) };
                    VmfCosineSample<T> cosine = VmfSampler.SampleRow<T, TReal, CpuVmfSampleRow<T>>(
                        parameters, el, (uint)element, (uint)sample, scales[element], ref row);
                    if (cosines != null)
                    {
                        cosines[index] = cosine.W;
                    }

                    if (proposals != null)
                    {
                        proposals[index] = cosine.Proposals;
                    }
                }
            });
        }
    }

    public static void Backward<T, TReal>(
        ReadOnlySpan<T> mu, T[] muScale, ReadOnlySpan<T> kappa, ReadOnlySpan<T> upstream, VmfSampleParameters<T> parameters,
        VmfOrder<T> order, int gradientMode, VmfSampleGradients<T> gradients)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        int d = parameters.Dimension;
        int samples = parameters.Samples;
        int n = kappa.Length;
        T[]? scratch = gradients.Mu.IsEmpty ? new T[(long)n * d] : null;
        Span<T> accumulator = scratch ?? gradients.Mu;
        fixed (T* muPointer = mu, kappaPointer = kappa, scalePointer = muScale, upstreamPointer = upstream)
        fixed (T* accumulatorPointer = accumulator, dKappaPointer = gradients.Kappa)
        {
            T* muBase = muPointer, kappas = kappaPointer, scales = scalePointer, up = upstreamPointer;
            T* acc = accumulatorPointer, dKappa = dKappaPointer;
            CpuParallel.ForRowRanges(n, (long)samples * (d + 16) * CostPerCoordinate * 2, (start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    var row = new CpuVmfGradientRow<T>
                    {
                        MuRow = muBase + ((long)i * d),
                        UpstreamElement = up + ((long)i * samples * d),
                        Accumulator = acc + ((long)i * d),
                        Dimension = d,
                    };
                    T value = VmfSampler.BackwardElement<T, TReal, CpuVmfGradientRow<T>>(
                        parameters, order, gradientMode, (uint)i, kappas[i], scales[i], row);
                    if (dKappa != null)
                    {
                        dKappa[i] = value;
                    }
                }
            });
        }
    }
}
