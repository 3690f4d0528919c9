using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;

namespace UqKernels;

/// <summary>Launches <see cref="SoftTargetCrossEntropyKernel"/> on an ILGPU accelerator, from host spans or device views.</summary>
internal static class IlgpuSoftTargetCrossEntropy
{
    private const int LogitsSlot = 60;
    private const int TargetsSlot = 61;
    private const int OutputSlot = 62;

    public static void Launch<T, TReal>(
        IlgpuDevice device, ArrayView<T> logits, ArrayView<T> targets, MatrixShape shape, ArrayView<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        Action<ArrayView<T>, ArrayView<T>, int, int, long, ArrayView<T>> kernel =
            SoftTargetCrossEntropyKernel.Run<T, TReal>;
        var launcher = device.GetKernel(kernel, accelerator => accelerator.LoadKernel(kernel));
        int groupSize = device.ReductionGroupSize(shape.Columns, SoftTargetCrossEntropyKernel.MaxGroupSize);
        int groups = Math.Min(shape.Rows, 1 << 16);
        launcher(
            device.Stream, new KernelConfig(groups, groupSize), logits, targets, shape.Rows, shape.Columns,
            shape.RowStride, output);
    }

    public static void RunFromHost<T, TReal>(
        IlgpuDevice device, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, MatrixShape shape, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        AcceleratorStream stream = device.Stream;
        int length = (int)shape.RequiredLength;
        ArrayView<T> logitsView = device.Scratch<T>(LogitsSlot, length);
        logitsView.CopyFromCPU(stream, logits[..length]);
        ArrayView<T> targetsView = device.Scratch<T>(TargetsSlot, length);
        targetsView.CopyFromCPU(stream, targets[..length]);
        ArrayView<T> outputView = device.Scratch<T>(OutputSlot, shape.Rows);
        Launch<T, TReal>(device, logitsView, targetsView, shape, outputView);
        outputView.CopyToCPU(stream, destination[..shape.Rows]);
        stream.Synchronize();
    }
}
