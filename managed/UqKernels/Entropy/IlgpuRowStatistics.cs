using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;

namespace UqKernels;

/// <summary>Launches <see cref="RowStatisticsKernel"/> on an ILGPU accelerator, from host spans or device views.</summary>
internal static class IlgpuRowStatistics
{
    private const int LogitsSlot = 0;
    private const int LabelsSlot = 1;
    private const int FirstOutputSlot = 2;

    public static void Launch<TStorage, T, TLoad, TReal>(
        IlgpuDevice device,
        ArrayView<TStorage> logits,
        MatrixShape shape,
        ArrayView<int> labels,
        RowStatisticsParameters<T> parameters,
        RowStatisticsOutputViews<T> outputs)
        where TStorage : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLoad : struct, IElementLoader<TStorage, T>
        where TReal : struct, IReal<T>
    {
        Action<ArrayView<TStorage>, int, long, ArrayView<int>, RowStatisticsParameters<T>, RowStatisticsOutputViews<T>>
            kernel = RowStatisticsKernel.Run<TStorage, T, TLoad, TReal>;
        var launcher = device.GetKernel(kernel, accelerator => accelerator.LoadKernel(kernel));
        int groupSize = device.ReductionGroupSize(shape.Columns, RowStatisticsKernel.MaxGroupSize);
        int groups = Math.Min(shape.Rows, 1 << 16);
        launcher(
            device.Stream, new KernelConfig(groups, groupSize), logits, shape.Rows, shape.RowStride, labels, parameters,
            outputs);
    }

    public static void RunFromHost<TStorage, T, TLoad, TReal>(
        IlgpuDevice device,
        ReadOnlySpan<TStorage> logits,
        MatrixShape shape,
        ReadOnlySpan<int> labels,
        RowStatisticsOutputs<T> outputs,
        RowStatisticsParameters<T> parameters)
        where TStorage : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLoad : struct, IElementLoader<TStorage, T>
        where TReal : struct, IReal<T>
    {
        AcceleratorStream stream = device.Stream;
        int rows = shape.Rows;
        ArrayView<TStorage> logitsView = device.Scratch<TStorage>(LogitsSlot, shape.RequiredLength);
        logitsView.CopyFromCPU(stream, logits[..(int)shape.RequiredLength]);
        ArrayView<int> labelsView = default;
        if (!labels.IsEmpty)
        {
            labelsView = device.Scratch<int>(LabelsSlot, rows);
            labelsView.CopyFromCPU(stream, labels);
        }

        int slot = FirstOutputSlot;
        var views = new RowStatisticsOutputViews<T>
        {
            Lse = OutputView(device, ref slot, outputs.Lse, rows),
            Entropy = OutputView(device, ref slot, outputs.Entropy, rows),
            Msp = OutputView(device, ref slot, outputs.Msp, rows),
            ProbabilityMargin = OutputView(device, ref slot, outputs.ProbabilityMargin, rows),
            LogitMargin = OutputView(device, ref slot, outputs.LogitMargin, rows),
            Nll = OutputView(device, ref slot, outputs.Nll, rows),
            Brier = OutputView(device, ref slot, outputs.Brier, rows),
            Top1Correct = OutputView(device, ref slot, outputs.Top1Correct, rows),
            TopKCorrect = OutputView(device, ref slot, outputs.TopKCorrect, rows),
            LabelSmoothedCrossEntropy = OutputView(device, ref slot, outputs.LabelSmoothedCrossEntropy, rows),
            ArgMax = OutputView(device, ref slot, outputs.ArgMax, rows),
        };
        Launch<TStorage, T, TLoad, TReal>(device, logitsView, shape, labelsView, parameters, views);
        CopyBack(stream, views.Lse, outputs.Lse);
        CopyBack(stream, views.Entropy, outputs.Entropy);
        CopyBack(stream, views.Msp, outputs.Msp);
        CopyBack(stream, views.ProbabilityMargin, outputs.ProbabilityMargin);
        CopyBack(stream, views.LogitMargin, outputs.LogitMargin);
        CopyBack(stream, views.Nll, outputs.Nll);
        CopyBack(stream, views.Brier, outputs.Brier);
        CopyBack(stream, views.Top1Correct, outputs.Top1Correct);
        CopyBack(stream, views.TopKCorrect, outputs.TopKCorrect);
        CopyBack(stream, views.LabelSmoothedCrossEntropy, outputs.LabelSmoothedCrossEntropy);
        CopyBack(stream, views.ArgMax, outputs.ArgMax);
        stream.Synchronize();
    }

    /// <summary>A scratch view for a requested host destination (the next slot), or an empty view when it is not requested.</summary>
    internal static ArrayView<TOut> OutputView<TOut>(IlgpuDevice device, ref int slot, Span<TOut> destination, int rows)
        where TOut : unmanaged
    {
        if (destination.IsEmpty)
        {
            return default;
        }

        return device.Scratch<TOut>(slot++, rows);
    }

    /// <summary>Copies a device result into its host destination when it was requested.</summary>
    internal static void CopyBack<TOut>(AcceleratorStream stream, ArrayView<TOut> view, Span<TOut> destination)
        where TOut : unmanaged
    {
        if (view.Length > 0)
        {
            view.CopyToCPU(stream, destination[..(int)view.Length]);
        }
    }
}
