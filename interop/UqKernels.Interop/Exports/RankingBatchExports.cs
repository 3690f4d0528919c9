using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_auroc_columns</c>: exact AUROC / AP of every column of scores <c>[N, K]</c> against shared labels.</summary>
internal static unsafe class RankingBatchExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_auroc_columns")]
    public static int AurocColumns(
        nint context, DLTensor* scores, DLTensor* labels, int nanPolicy, int ignoreUndefined, RankingBatchOutputsAbi* outputs, RankingAveragesAbi* averages)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            UqContext uq = ContextHandle.Get(context);
            RankingBatchOutputsAbi outs = AbiStruct.ReadRequired(outputs, nameof(outputs));
            if (averages != null)
            {
                AbiStruct.CheckWritable(averages, nameof(averages));
            }

            TensorView s = TensorView.Input(scores, nameof(scores), 2, "[N, K]", ElementType.Real);
            TensorView y = TensorView.Input(labels, nameof(labels), 1, "[N]", ElementType.Binary);
            int samples = s.Length(0);
            int columns = s.Length(1);
            if (y.Length(0) != samples)
            {
                throw new ArgumentException($"labels has {y.Length(0)} elements but scores has N = {samples} rows.", nameof(labels));
            }

            var options = new RankingBatchOptions { NanPolicy = (NanPolicy)nanPolicy, IgnoreUndefined = ignoreUndefined != 0 };
            TensorView auroc = TensorView.Output(outs.Auroc, "outputs->auroc", ElementType.F64, columns);
            TensorView ap = TensorView.Output(outs.AveragePrecision, "outputs->average_precision", ElementType.F64, columns);
            TensorView positives = TensorView.Output(outs.Positives, "outputs->positives", ElementType.I64, columns);
            TensorView negatives = TensorView.Output(outs.Negatives, "outputs->negatives", ElementType.I64, columns);
            TensorView numerator = TensorView.Output(outs.NumeratorTwiceU, "outputs->numerator_twice_u", ElementType.I64, columns);
            TensorView status = TensorView.Output(outs.Status, "outputs->status", ElementType.I32, columns);

            // A column-major [N, K] view (strides [1, N]) is the managed ColumnMajor layout, used in place.
            bool columnMajor = !s.IsContiguous && s.Stride(0) == 1 && s.Stride(1) == samples;
            ScoreLayout layout = columnMajor ? ScoreLayout.ColumnMajor : ScoreLayout.SampleMajor;
            ReadOnlySpan<byte> binary = scope.BinaryLabels(y);
            RankingBatchResult r = s.Type == ElementType.F32
                ? uq.AurocColumns(Scores<float>(scope, s, columnMajor), samples, columns, layout, binary, options)
                : uq.AurocColumns(Scores<double>(scope, s, columnMajor), samples, columns, layout, binary, options);

            Copy<double>(r.Auroc, scope.Output<double>(auroc));
            Copy<double>(r.AveragePrecision, scope.Output<double>(ap));
            Copy<long>(r.Positives, scope.Output<long>(positives));
            Copy<long>(r.Negatives, scope.Output<long>(negatives));
            Copy<long>(r.NumeratorTwiceU, scope.Output<long>(numerator));
            Copy(MemoryMarshal.Cast<RankingStatus, int>(r.Status), scope.Output<int>(status));
            if (averages != null)
            {
                AbiStruct.Write(
                    averages,
                    new RankingAveragesAbi
                    {
                        MacroAuroc = r.MacroAuroc,
                        WeightedAuroc = r.WeightedAuroc,
                        MacroAveragePrecision = r.MacroAveragePrecision,
                        WeightedAveragePrecision = r.WeightedAveragePrecision,
                    },
                    nameof(averages));
            }

            scope.Commit();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    /// <summary>Copies into a requested output (an empty span means not requested).</summary>
    private static void Copy<T>(ReadOnlySpan<T> source, Span<T> destination)
    {
        if (!destination.IsEmpty)
        {
            source.CopyTo(destination);
        }
    }

    private static ReadOnlySpan<T> Scores<T>(CallScope scope, scoped in TensorView scores, bool columnMajor)
        where T : unmanaged =>
        columnMajor ? new ReadOnlySpan<T>(scores.Data, (int)scores.Count) : scope.Input<T>(scores);
}
