using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using UqKernels.Kernels.Calibration;
using UqKernels.Kernels.Math;

namespace UqKernels;

/// <summary>
/// Launches <see cref="CalibrationKernel"/> on an ILGPU accelerator and merges the per-group partials on the host in
/// group order. The group count depends only on N and the device, so repeated runs are bitwise identical.
/// </summary>
internal static class IlgpuCalibration
{
    private const int ConfidenceSlot = 40;
    private const int CorrectSlot = 41;
    private const int PartialsSlot = 42;
    private const int ScoresSlot = 43;

    /// <summary>Samples per thread per group before another group is added (keeps the partials small).</summary>
    private const int TilesPerGroup = 16;

    /// <summary>Upper bound on groups (so at most 1024 × (K+1) partials come back).</summary>
    private const int MaxGroups = 1024;

    public static (double SumLogProb, double SumBrier) Run<T, TReal>(
        IlgpuDevice device,
        ReadOnlySpan<T> confidence,
        ReadOnlySpan<T> correct,
        CalibrationParameters parameters,
        Span<CalibrationBinPartial> bins)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        AcceleratorStream stream = device.Stream;
        int count = confidence.Length;
        int groupSize = device.ReductionGroupSize(count, CalibrationKernel.MaxGroupSize);
        long perGroup = (long)groupSize * TilesPerGroup;
        int groups = (int)Math.Clamp((count + perGroup - 1) / perGroup, 1, MaxGroups);
        parameters.Chunk = (int)(((long)count + groups - 1) / groups);
        int slots = parameters.Slots;

        ArrayView<T> confidenceView = device.Scratch<T>(ConfidenceSlot, count);
        ArrayView<T> correctView = device.Scratch<T>(CorrectSlot, count);
        ArrayView<CalibrationBinPartial> partialsView = device.Scratch<CalibrationBinPartial>(PartialsSlot, (long)groups * slots);
        ArrayView<double> scoresView = device.Scratch<double>(ScoresSlot, 2L * groups);
        confidenceView.CopyFromCPU(stream, confidence);
        correctView.CopyFromCPU(stream, correct);

        Action<ArrayView<T>, ArrayView<T>, CalibrationParameters, ArrayView<CalibrationBinPartial>, ArrayView<double>>
            kernel = CalibrationKernel.Run<T, TReal>;
        var launcher = device.GetKernel(kernel, accelerator => accelerator.LoadKernel(kernel));
        launcher(stream, new KernelConfig(groups, groupSize), confidenceView, correctView, parameters, partialsView, scoresView);

        var partials = new CalibrationBinPartial[groups * slots];
        var scores = new double[2 * groups];
        partialsView.CopyToCPU(stream, partials);
        scoresView.CopyToCPU(stream, scores);
        stream.Synchronize();

        double sumLogProb = 0;
        double sumBrier = 0;
        for (int group = 0; group < groups; group++)
        {
            for (int slot = 0; slot < slots; slot++)
            {
                bins[slot].Merge(partials[(group * slots) + slot]);
            }

            sumLogProb += scores[2 * group];
            sumBrier += scores[(2 * group) + 1];
        }

        return (sumLogProb, sumBrier);
    }
}
