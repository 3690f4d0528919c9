using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_row_statistics</c> and <c>uq_entropy_f32</c> (single-model row statistics of logits <c>[N, C]</c>).</summary>
internal static unsafe class RowStatisticsExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_row_statistics")]
    public static int RowStatistics(
        nint context, DLTensor* logits, DLTensor* labels, RowStatisticsOptionsAbi* options, RowStatisticsOutputsAbi* outputs)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            RowStatisticsOptionsAbi o = AbiStruct.ReadOptions(options, RowStatisticsOptionsAbi.Default, nameof(options));
            Run(scope, context, logits, labels, o, AbiStruct.ReadRequired(outputs, nameof(outputs)));
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_entropy_f32")]
    public static int EntropyF32(nint context, float* logits, long rows, long classes, float* entropy)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            long* shape = stackalloc long[] { rows, classes };
            DLTensor x = FlatTensor.Dense(logits, ElementType.F32, shape, 2);
            DLTensor h = FlatTensor.Dense(entropy, ElementType.F32, shape, 1);
            Run(scope, context, &x, null, RowStatisticsOptionsAbi.Default, new RowStatisticsOutputsAbi { Entropy = &h });
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    private static void Run(
        CallScope scope, nint context, DLTensor* logits, DLTensor* labels, in RowStatisticsOptionsAbi options, in RowStatisticsOutputsAbi outputs)
    {
        UqContext uq = ContextHandle.Get(context);
        TensorView x = TensorView.Input(logits, nameof(logits), 2, "[N, C]", ElementType.Logits);
        ReadOnlySpan<int> y = scope.Int32s(TensorView.OptionalInput(labels, nameof(labels), 1, "[N]", ElementType.Index));
        RowStatisticsOptions managed = options.ToManaged();
        int rows = x.Length(0);
        MatrixShape shape;
        switch (x.Type)
        {
            case ElementType.F32:
                uq.RowStatistics(scope.Rows<float>(x, out shape), shape, y, outputs.Resolve<float>(scope, rows), managed);
                break;
            case ElementType.F16:
                uq.RowStatistics(scope.Rows<Half>(x, out shape), shape, y, outputs.Resolve<float>(scope, rows), managed);
                break;
            case ElementType.BF16:
                uq.RowStatistics(scope.Rows<BFloat16>(x, out shape), shape, y, outputs.Resolve<float>(scope, rows), managed);
                break;
            default:
                uq.RowStatistics(scope.Rows<double>(x, out shape), shape, y, outputs.Resolve<double>(scope, rows), managed);
                break;
        }

        scope.Commit();
    }
}
