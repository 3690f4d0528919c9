using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_recall_at_one</c>: Recall@1 and R-AUROC of an embedding (cosine nearest neighbour, URL benchmark).</summary>
internal static unsafe class RecallAtOneExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_recall_at_one")]
    public static int RecallAtOne(
        nint context, DLTensor* features, DLTensor* classes, DLTensor* uncertainty, int nanPolicy, RecallAtOneOutputsAbi* outputs,
        RecallAtOneResultAbi* result)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            UqContext uq = ContextHandle.Get(context);
            AbiStruct.CheckWritable(result, nameof(result));
            RecallAtOneOutputsAbi outs = outputs == null ? default : AbiStruct.ReadRequired(outputs, nameof(outputs));
            TensorView f = TensorView.Input(features, nameof(features), 2, "[N, D]", ElementType.Real);
            TensorView c = TensorView.Input(classes, nameof(classes), 1, "[N]", ElementType.Index);
            TensorView u = TensorView.OptionalInput(uncertainty, nameof(uncertainty), 1, "[N]", f.Type);
            NanPolicy policy = RankingExports.Policy(nanPolicy);
            int rows = f.Length(0);
            TensorView nearest = TensorView.Output(outs.Nearest, "outputs->nearest", ElementType.I32, rows);
            TensorView correct = TensorView.Output(outs.Correct, "outputs->correct", ElementType.U8, rows);
            ReadOnlySpan<int> ids = scope.Int32s(c);
            RecallAtOneResult r = f.Type == ElementType.F32
                ? uq.RecallAtOne(
                    scope.Rows<float>(f, out MatrixShape shape32), shape32, ids, scope.Input<float>(u), scope.Output<int>(nearest),
                    scope.Output<byte>(correct), policy)
                : uq.RecallAtOne(
                    scope.Rows<double>(f, out MatrixShape shape64), shape64, ids, scope.Input<double>(u), scope.Output<int>(nearest),
                    scope.Output<byte>(correct), policy);
            AbiStruct.Write(result, RecallAtOneResultAbi.From(r), nameof(result));
            scope.Commit();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }
}
