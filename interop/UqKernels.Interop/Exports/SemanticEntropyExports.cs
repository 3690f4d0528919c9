using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_semantic_entropy</c> (answers per question in CSR layout).</summary>
internal static unsafe class SemanticEntropyExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_semantic_entropy")]
    public static int SemanticEntropy(
        nint context,
        DLTensor* offsets,
        DLTensor* logLikelihoods,
        DLTensor* clusterIds,
        SemanticEntropyOptionsAbi* options,
        SemanticEntropyOutputsAbi* outputs)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            UqContext uq = ContextHandle.Get(context);
            SemanticEntropyOptionsAbi o = AbiStruct.ReadOptions(options, SemanticEntropyOptionsAbi.Default, nameof(options));
            SemanticEntropyOutputsAbi outs = AbiStruct.ReadRequired(outputs, nameof(outputs));
            TensorView q = TensorView.Input(offsets, nameof(offsets), 1, "[Q + 1]", ElementType.Index);
            TensorView ll = TensorView.Input(logLikelihoods, "log_likelihoods", 1, "[N]", ElementType.Real);
            TensorView ids = TensorView.Input(clusterIds, "cluster_ids", 1, "[N]", ElementType.Index);
            int questions = q.Length(0) - 1;
            if (questions < 1)
            {
                throw new ArgumentException("offsets has 1 entry; it needs Q + 1 >= 2 (at least one question).", nameof(offsets));
            }

            uq.SemanticEntropy(
                scope.Int32s(q),
                scope.Doubles(ll),
                scope.Int32s(ids),
                outs.Resolve(scope, questions),
                new SemanticEntropyOptions { KuhnLogLikelihoodShift = o.KuhnLogLikelihoodShift });
            scope.Commit();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }
}
