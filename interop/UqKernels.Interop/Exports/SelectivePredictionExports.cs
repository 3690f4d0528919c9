using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_selective_prediction</c>: risk–coverage metrics (AURC, E-AURC, AULC, coverage at accuracy).</summary>
internal static unsafe class SelectivePredictionExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_selective_prediction")]
    public static int SelectivePrediction(
        nint context,
        DLTensor* uncertainty,
        DLTensor* correct,
        SelectivePredictionOptionsAbi* options,
        SelectivePredictionResultAbi* result,
        SelectiveCoverageAbi* coverage)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            UqContext uq = ContextHandle.Get(context);
            AbiStruct.CheckWritable(result, nameof(result));
            SelectivePredictionOptionsAbi o = AbiStruct.ReadOptions(options, SelectivePredictionOptionsAbi.Default, nameof(options));
            SelectiveCoverageAbi? perTarget = coverage == null ? null : AbiStruct.ReadRequired(coverage, nameof(coverage));
            TensorView u = TensorView.Input(uncertainty, nameof(uncertainty), 1, "[N]", ElementType.Real);
            TensorView c = TensorView.Input(correct, nameof(correct), 1, "[N]", ElementType.Real);
            if (c.Type != u.Type)
            {
                throw new UnsupportedDtypeException("correct must have the dtype of uncertainty.", nameof(correct));
            }

            var managed = new SelectivePredictionOptions
            {
                TiePolicy = (SelectiveTiePolicy)o.TiePolicy,
                NanPolicy = (NanPolicy)o.NanPolicy,
                StartIndex = o.StartIndex,
            };
            if (o.AccuracyTargets != null)
            {
                TensorView targets = TensorView.Input(o.AccuracyTargets, "options->accuracy_targets", 1, "[T]", ElementType.Real);
                managed = managed with { AccuracyTargets = scope.Doubles(targets).ToArray() };
            }

            SelectivePredictionResult r = u.Type == ElementType.F32
                ? uq.SelectivePrediction(scope.Input<float>(u), scope.Input<float>(c), managed)
                : uq.SelectivePrediction(scope.Input<double>(u), scope.Input<double>(c), managed);
            if (perTarget is { } p)
            {
                int count = r.Coverage.Count;
                Span<double> parity = scope.Output<double>(TensorView.Output(p.Parity, "coverage->parity", ElementType.F64, count));
                Span<double> corrected = scope.Output<double>(TensorView.Output(p.Corrected, "coverage->corrected", ElementType.F64, count));
                for (int i = 0; i < count; i++)
                {
                    if (!parity.IsEmpty)
                    {
                        parity[i] = r.Coverage[i].Parity;
                    }

                    if (!corrected.IsEmpty)
                    {
                        corrected[i] = r.Coverage[i].Corrected;
                    }
                }
            }

            AbiStruct.Write(result, SelectivePredictionResultAbi.From(r), nameof(result));
            scope.Commit();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }
}
