using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_auroc</c> and <c>uq_auroc_f32</c> (exact AUROC and average precision).</summary>
internal static unsafe class RankingExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_auroc")]
    public static int Auroc(nint context, DLTensor* scores, DLTensor* labels, int nanPolicy, RankingResultAbi* result)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            AbiStruct.CheckWritable(result, nameof(result));
            RankingResult r = Run(scope, context, scores, labels, nanPolicy);
            AbiStruct.Write(result, RankingResultAbi.From(r), nameof(result));
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_auroc_f32")]
    public static int AurocF32(nint context, float* scores, byte* labels, long n, double* auroc, double* averagePrecision)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            FlatTensor.RequireResult(auroc, nameof(auroc));
            FlatTensor.RequireResult(averagePrecision, "average_precision");
            long* shape = stackalloc long[] { n };
            DLTensor s = FlatTensor.Dense(scores, ElementType.F32, shape, 1);
            DLTensor y = FlatTensor.Dense(labels, ElementType.U8, shape, 1);
            RankingResult r = Run(scope, context, &s, &y, (int)NanPolicy.Error);
            *auroc = r.Auroc;
            *averagePrecision = r.AveragePrecision;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    private static RankingResult Run(CallScope scope, nint context, DLTensor* scores, DLTensor* labels, int nanPolicy)
    {
        UqContext uq = ContextHandle.Get(context);
        TensorView s = TensorView.Input(scores, nameof(scores), 1, "[N]", ElementType.Logits);
        TensorView y = TensorView.Input(labels, nameof(labels), 1, "[N]", ElementType.Binary);
        if (y.Length(0) != s.Length(0))
        {
            throw new ArgumentException($"labels has {y.Length(0)} elements but scores has {s.Length(0)}.", nameof(labels));
        }

        NanPolicy policy = Policy(nanPolicy);
        ReadOnlySpan<byte> binary = scope.BinaryLabels(y);
        return s.Type switch
        {
            ElementType.F32 => uq.Auroc(scope.Input<float>(s), binary, policy),
            ElementType.F16 => uq.Auroc(scope.Input<Half>(s), binary, policy),
            ElementType.BF16 => uq.Auroc(scope.Input<BFloat16>(s), binary, policy),
            _ => uq.Auroc(scope.Input<double>(s), binary, policy),
        };
    }

    /// <summary>A C <c>nan_policy</c> (<c>UQ_NAN_*</c>) as the managed enum; anything else is rejected (the message names <c>nan_policy</c>).</summary>
    internal static NanPolicy Policy(int nanPolicy) =>
        nanPolicy is < (int)NanPolicy.Error or > (int)NanPolicy.Omit
            ? throw new ArgumentOutOfRangeException(
                nameof(nanPolicy), $"nan_policy is {nanPolicy}; expected UQ_NAN_ERROR (0), UQ_NAN_PROPAGATE (1) or UQ_NAN_OMIT (2).")
            : (NanPolicy)nanPolicy;
}
