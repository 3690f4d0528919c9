using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary>
/// <c>uq_auroc_columns</c>, <c>uq_auroc_one_vs_rest</c>, <c>uq_auroc_segments</c>: exact AUROC / AP per column, per class
/// (one-vs-rest) or per CSR segment, with macro / weighted averages.
/// </summary>
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

            var options = Options(nanPolicy, ignoreUndefined);
            BatchOutputViews views = BatchOutputViews.Resolve(outs, columns);

            // A column-major [N, K] view (strides [1, N]) is the managed ColumnMajor layout, used in place.
            bool columnMajor = !s.IsContiguous && s.Stride(0) == 1 && s.Stride(1) == samples;
            ScoreLayout layout = columnMajor ? ScoreLayout.ColumnMajor : ScoreLayout.SampleMajor;
            ReadOnlySpan<byte> binary = scope.BinaryLabels(y);
            RankingBatchResult r = s.Type == ElementType.F32
                ? uq.AurocColumns(Scores<float>(scope, s, columnMajor), samples, columns, layout, binary, options)
                : uq.AurocColumns(Scores<double>(scope, s, columnMajor), samples, columns, layout, binary, options);

            views.Write(scope, r, averages);
            scope.Commit();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_auroc_one_vs_rest")]
    public static int AurocOneVsRest(
        nint context, DLTensor* probabilities, DLTensor* labels, int nanPolicy, int ignoreUndefined, RankingBatchOutputsAbi* outputs, RankingAveragesAbi* averages)
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

            TensorView p = TensorView.Input(probabilities, nameof(probabilities), 2, "[N, C]", ElementType.Real);
            TensorView y = TensorView.Input(labels, nameof(labels), 1, "[N]", ElementType.Index);
            int samples = p.Length(0);
            int classes = p.Length(1);
            if (y.Length(0) != samples)
            {
                throw new ArgumentException($"labels has {y.Length(0)} elements but probabilities has N = {samples} rows.", nameof(labels));
            }

            RankingBatchOptions options = Options(nanPolicy, ignoreUndefined);
            BatchOutputViews views = BatchOutputViews.Resolve(outs, classes);
            ReadOnlySpan<int> classLabels = scope.Int32s(y);
            RankingBatchResult r = p.Type == ElementType.F32
                ? uq.AurocOneVsRest(scope.Input<float>(p), samples, classes, classLabels, options)
                : uq.AurocOneVsRest(scope.Input<double>(p), samples, classes, classLabels, options);
            views.Write(scope, r, averages);
            scope.Commit();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_auroc_segments")]
    public static int AurocSegments(
        nint context, DLTensor* scores, DLTensor* labels, DLTensor* offsets, int nanPolicy, int ignoreUndefined, RankingBatchOutputsAbi* outputs,
        RankingAveragesAbi* averages)
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

            TensorView s = TensorView.Input(scores, nameof(scores), 1, "[N]", ElementType.Logits);
            TensorView y = TensorView.Input(labels, nameof(labels), 1, "[N]", ElementType.Binary);
            TensorView o = TensorView.Input(offsets, nameof(offsets), 1, "[S + 1]", ElementType.Index);
            if (y.Length(0) != s.Length(0))
            {
                throw new ArgumentException($"labels has {y.Length(0)} elements but scores has {s.Length(0)}.", nameof(labels));
            }

            if (o.Length(0) < 2)
            {
                throw new ArgumentException($"offsets has {o.Length(0)} element; [S + 1] with S >= 1 segments needs at least 2.", nameof(offsets));
            }

            RankingBatchOptions options = Options(nanPolicy, ignoreUndefined);
            BatchOutputViews views = BatchOutputViews.Resolve(outs, o.Length(0) - 1);
            ReadOnlySpan<byte> binary = scope.BinaryLabels(y);
            ReadOnlySpan<int> segmentOffsets = scope.Int32s(o);
            RankingBatchResult r = s.Type switch
            {
                ElementType.F32 => uq.AurocSegments(scope.Input<float>(s), binary, segmentOffsets, options),
                ElementType.F16 => uq.AurocSegments(scope.Input<Half>(s), binary, segmentOffsets, options),
                ElementType.BF16 => uq.AurocSegments(scope.Input<BFloat16>(s), binary, segmentOffsets, options),
                _ => uq.AurocSegments(scope.Input<double>(s), binary, segmentOffsets, options),
            };
            views.Write(scope, r, averages);
            scope.Commit();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    /// <summary>The managed options of a batched call (the NaN policy checked under its C name).</summary>
    private static RankingBatchOptions Options(int nanPolicy, int ignoreUndefined) =>
        new() { NanPolicy = RankingExports.Policy(nanPolicy), IgnoreUndefined = ignoreUndefined != 0 };

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

    /// <summary>The validated per-segment output views of <c>uq_ranking_batch_outputs</c> (resolved before any work).</summary>
    private readonly struct BatchOutputViews
    {
        private readonly TensorView _auroc;
        private readonly TensorView _averagePrecision;
        private readonly TensorView _positives;
        private readonly TensorView _negatives;
        private readonly TensorView _numerator;
        private readonly TensorView _status;

        private BatchOutputViews(in RankingBatchOutputsAbi outs, long count)
        {
            _auroc = TensorView.Output(outs.Auroc, "outputs->auroc", ElementType.F64, count);
            _averagePrecision = TensorView.Output(outs.AveragePrecision, "outputs->average_precision", ElementType.F64, count);
            _positives = TensorView.Output(outs.Positives, "outputs->positives", ElementType.I64, count);
            _negatives = TensorView.Output(outs.Negatives, "outputs->negatives", ElementType.I64, count);
            _numerator = TensorView.Output(outs.NumeratorTwiceU, "outputs->numerator_twice_u", ElementType.I64, count);
            _status = TensorView.Output(outs.Status, "outputs->status", ElementType.I32, count);
        }

        public static BatchOutputViews Resolve(in RankingBatchOutputsAbi outs, long count) => new(outs, count);

        /// <summary>Copies the requested per-segment arrays and writes the averages (when requested).</summary>
        public void Write(CallScope scope, RankingBatchResult r, RankingAveragesAbi* averages)
        {
            Copy<double>(r.Auroc, scope.Output<double>(_auroc));
            Copy<double>(r.AveragePrecision, scope.Output<double>(_averagePrecision));
            Copy<long>(r.Positives, scope.Output<long>(_positives));
            Copy<long>(r.Negatives, scope.Output<long>(_negatives));
            Copy<long>(r.NumeratorTwiceU, scope.Output<long>(_numerator));
            Copy(MemoryMarshal.Cast<RankingStatus, int>(r.Status), scope.Output<int>(_status));
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
        }
    }
}
