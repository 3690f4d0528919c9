using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using UqKernels.Kernels.Ensemble;
using UqKernels.Kernels.Math;

namespace UqKernels;

/// <summary>Launches <see cref="EnsembleKernel"/> on an ILGPU accelerator from host spans.</summary>
internal static class IlgpuEnsemble
{
    // Slots 20+ belong to this operation, so other operations' scratch views are never overwritten.
    private const int LogitsSlot = 20;
    private const int LabelsSlot = 21;
    private const int StatisticsSlot = 22;
    private const int FirstOutputSlot = 23;

    public static void Launch<TStorage, T, TLoad, TReal>(
        IlgpuDevice device,
        ArrayView<TStorage> logits,
        ArrayView<int> labels,
        ArrayView<T> statistics,
        EnsembleParameters<T> parameters,
        EnsembleOutputViews<T> outputs)
        where TStorage : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLoad : struct, IElementLoader<TStorage, T>
        where TReal : struct, IReal<T>
    {
        Action<ArrayView<TStorage>, ArrayView<int>, ArrayView<T>, EnsembleParameters<T>, EnsembleOutputViews<T>>
            kernel = EnsembleKernel.Run<TStorage, T, TLoad, TReal>;
        var launcher = device.GetKernel(kernel, accelerator => accelerator.LoadKernel(kernel));
        int groupSize = device.ReductionGroupSize(parameters.Classes, EnsembleKernel.MaxGroupSize);
        int groups = Math.Min(parameters.Batch, 1 << 16);
        launcher(device.Stream, new KernelConfig(groups, groupSize), logits, labels, statistics, parameters, outputs);
    }

    public static void RunFromHost<TStorage, T, TLoad, TReal>(
        IlgpuDevice device,
        ReadOnlySpan<TStorage> logits,
        ReadOnlySpan<int> labels,
        EnsembleOutputs<T> outputs,
        EnsembleParameters<T> parameters)
        where TStorage : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLoad : struct, IElementLoader<TStorage, T>
        where TReal : struct, IReal<T>
    {
        AcceleratorStream stream = device.Stream;
        int batch = parameters.Batch;
        ArrayView<TStorage> logitsView = device.Scratch<TStorage>(LogitsSlot, logits.Length);
        logitsView.CopyFromCPU(stream, logits);
        ArrayView<int> labelsView = default;
        if (!labels.IsEmpty)
        {
            labelsView = device.Scratch<int>(LabelsSlot, batch);
            labelsView.CopyFromCPU(stream, labels);
        }

        ArrayView<T> statistics = device.Scratch<T>(StatisticsSlot, 2L * batch * parameters.Members);
        int slot = FirstOutputSlot;
        var views = new EnsembleOutputViews<T>
        {
            Total = IlgpuRowStatistics.OutputView(device, ref slot, outputs.Total, batch),
            Aleatoric = IlgpuRowStatistics.OutputView(device, ref slot, outputs.Aleatoric, batch),
            EpistemicKl = IlgpuRowStatistics.OutputView(device, ref slot, outputs.EpistemicKl, batch),
            EpistemicDifference = IlgpuRowStatistics.OutputView(device, ref slot, outputs.EpistemicDifference, batch),
            DualEntropy = IlgpuRowStatistics.OutputView(device, ref slot, outputs.DualEntropy, batch),
            Bregman = IlgpuRowStatistics.OutputView(device, ref slot, outputs.Bregman, batch),
            ExpectedMsp = IlgpuRowStatistics.OutputView(device, ref slot, outputs.ExpectedMsp, batch),
            MspBma = IlgpuRowStatistics.OutputView(device, ref slot, outputs.MspBma, batch),
            MspDual = IlgpuRowStatistics.OutputView(device, ref slot, outputs.MspDual, batch),
            VarianceProbabilities = IlgpuRowStatistics.OutputView(device, ref slot, outputs.VarianceProbabilities, batch),
            VarianceLogits = IlgpuRowStatistics.OutputView(device, ref slot, outputs.VarianceLogits, batch),
            NllBma = IlgpuRowStatistics.OutputView(device, ref slot, outputs.NllBma, batch),
            NllDual = IlgpuRowStatistics.OutputView(device, ref slot, outputs.NllDual, batch),
            ArgMaxBma = IlgpuRowStatistics.OutputView(device, ref slot, outputs.ArgMaxBma, batch),
        };
        Launch<TStorage, T, TLoad, TReal>(device, logitsView, labelsView, statistics, parameters, views);
        IlgpuRowStatistics.CopyBack(stream, views.Total, outputs.Total);
        IlgpuRowStatistics.CopyBack(stream, views.Aleatoric, outputs.Aleatoric);
        IlgpuRowStatistics.CopyBack(stream, views.EpistemicKl, outputs.EpistemicKl);
        IlgpuRowStatistics.CopyBack(stream, views.EpistemicDifference, outputs.EpistemicDifference);
        IlgpuRowStatistics.CopyBack(stream, views.DualEntropy, outputs.DualEntropy);
        IlgpuRowStatistics.CopyBack(stream, views.Bregman, outputs.Bregman);
        IlgpuRowStatistics.CopyBack(stream, views.ExpectedMsp, outputs.ExpectedMsp);
        IlgpuRowStatistics.CopyBack(stream, views.MspBma, outputs.MspBma);
        IlgpuRowStatistics.CopyBack(stream, views.MspDual, outputs.MspDual);
        IlgpuRowStatistics.CopyBack(stream, views.VarianceProbabilities, outputs.VarianceProbabilities);
        IlgpuRowStatistics.CopyBack(stream, views.VarianceLogits, outputs.VarianceLogits);
        IlgpuRowStatistics.CopyBack(stream, views.NllBma, outputs.NllBma);
        IlgpuRowStatistics.CopyBack(stream, views.NllDual, outputs.NllDual);
        IlgpuRowStatistics.CopyBack(stream, views.ArgMaxBma, outputs.ArgMaxBma);
        stream.Synchronize();
    }
}
