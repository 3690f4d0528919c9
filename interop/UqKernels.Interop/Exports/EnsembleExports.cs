using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_ensemble_decomposition</c> (logits <c>[B, M, C]</c> or <c>[M, B, C]</c>).</summary>
internal static unsafe class EnsembleExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_ensemble_decomposition")]
    public static int EnsembleDecomposition(
        nint context, DLTensor* logits, DLTensor* labels, EnsembleOptionsAbi* options, EnsembleOutputsAbi* outputs)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            UqContext uq = ContextHandle.Get(context);
            EnsembleOptionsAbi o = AbiStruct.ReadOptions(options, EnsembleOptionsAbi.Default, nameof(options));
            EnsembleOutputsAbi outs = AbiStruct.ReadRequired(outputs, nameof(outputs));
            if (o.Layout is not ((int)EnsembleLayout.SampleMajor or (int)EnsembleLayout.MemberMajor))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(options), $"options->layout is {o.Layout}; expected UQ_ENSEMBLE_SAMPLE_MAJOR (0) or UQ_ENSEMBLE_MEMBER_MAJOR (1).");
            }

            var layout = (EnsembleLayout)o.Layout;
            bool sampleMajor = layout == EnsembleLayout.SampleMajor;
            TensorView x = TensorView.Input(logits, nameof(logits), 3, sampleMajor ? "[B, M, C]" : "[M, B, C]", ElementType.Logits);
            int batch = sampleMajor ? x.Length(0) : x.Length(1);
            int members = sampleMajor ? x.Length(1) : x.Length(0);
            int classes = x.Length(2);
            ReadOnlySpan<int> y = scope.Int32s(TensorView.OptionalInput(labels, nameof(labels), 1, "[B]", ElementType.Index));
            EnsembleOptions managed = o.ToManaged();
            switch (x.Type)
            {
                case ElementType.F32:
                    uq.EnsembleDecomposition(scope.Input<float>(x), members, batch, classes, layout, y, outs.Resolve<float>(scope, batch), managed);
                    break;
                case ElementType.F16:
                    uq.EnsembleDecomposition(scope.Input<Half>(x), members, batch, classes, layout, y, outs.Resolve<float>(scope, batch), managed);
                    break;
                case ElementType.BF16:
                    uq.EnsembleDecomposition(scope.Input<BFloat16>(x), members, batch, classes, layout, y, outs.Resolve<float>(scope, batch), managed);
                    break;
                default:
                    uq.EnsembleDecomposition(scope.Input<double>(x), members, batch, classes, layout, y, outs.Resolve<double>(scope, batch), managed);
                    break;
            }

            scope.Commit();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }
}
