using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_spearman</c> and <c>uq_pearson</c> (rank and linear correlation of paired vectors).</summary>
internal static unsafe class CorrelationExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_spearman")]
    public static int Spearman(nint context, DLTensor* x, DLTensor* y, int ranks, int nanPolicy, CorrelationResultAbi* result)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            Run(scope, context, x, y, ranks, nanPolicy, result, rank: true);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_pearson")]
    public static int Pearson(nint context, DLTensor* x, DLTensor* y, int nanPolicy, CorrelationResultAbi* result)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            Run(scope, context, x, y, (int)SpearmanRanks.Midrank, nanPolicy, result, rank: false);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    private static void Run(
        CallScope scope, nint context, DLTensor* x, DLTensor* y, int ranks, int nanPolicy, CorrelationResultAbi* result, bool rank)
    {
        UqContext uq = ContextHandle.Get(context);
        AbiStruct.CheckWritable(result, nameof(result));
        TensorView a = TensorView.Input(x, nameof(x), 1, "[N]", ElementType.Real);
        TensorView b = TensorView.Input(y, nameof(y), 1, "[N]", ElementType.Real);
        if (b.Type != a.Type)
        {
            throw new UnsupportedDtypeException("y must have the dtype of x.", nameof(y));
        }

        var policy = (NanPolicy)nanPolicy;
        var order = (SpearmanRanks)ranks;
        CorrelationResult r = (a.Type, rank) switch
        {
            (ElementType.F32, true) => uq.Spearman(scope.Input<float>(a), scope.Input<float>(b), order, policy),
            (ElementType.F32, false) => uq.Pearson(scope.Input<float>(a), scope.Input<float>(b), policy),
            (_, true) => uq.Spearman(scope.Input<double>(a), scope.Input<double>(b), order, policy),
            _ => uq.Pearson(scope.Input<double>(a), scope.Input<double>(b), policy),
        };
        AbiStruct.Write(result, CorrelationResultAbi.From(r), nameof(result));
    }
}
