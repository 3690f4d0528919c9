using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_token_statistics</c> (LLM logits <c>[B, T, V]</c>).</summary>
internal static unsafe class TokenStatisticsExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_token_statistics")]
    public static int TokenStatistics(
        nint context, DLTensor* logits, DLTensor* labels, TokenStatisticsOptionsAbi* options, TokenStatisticsOutputsAbi* outputs)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            UqContext uq = ContextHandle.Get(context);
            TokenStatisticsOptionsAbi o = AbiStruct.ReadOptions(options, TokenStatisticsOptionsAbi.Default, nameof(options));
            TokenStatisticsOutputsAbi outs = AbiStruct.ReadRequired(outputs, nameof(outputs));
            TensorView x = TensorView.Input(logits, nameof(logits), 3, "[B, T, V]", ElementType.Logits);
            TensorView y = TensorView.OptionalInput(labels, nameof(labels), 2, "[B, T]", ElementType.Index);
            int batch = x.Length(0);
            int time = x.Length(1);
            int vocab = x.Length(2);
            if (o.Shift is not (0 or 1))
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"options->shift is {o.Shift}; it must be 0 or 1.");
            }

            if (time <= o.Shift)
            {
                throw new ArgumentException($"logits has T = {time}; it must exceed the shift {o.Shift}.", nameof(logits));
            }

            if (y.IsPresent && (y.Length(0) != batch || y.Length(1) != time))
            {
                throw new ArgumentException(
                    $"labels is [{y.Length(0)}, {y.Length(1)}] but logits is [{batch}, {time}, {vocab}].", nameof(labels));
            }

            ReadOnlySpan<int> ids = scope.Int32s(y);
            int scored = time - o.Shift;
            TokenStatisticsOptions managed = o.ToManaged();
            MatrixShape rows;
            switch (x.Type)
            {
                case ElementType.F32:
                    uq.TokenStatistics(
                        scope.Rows<float>(x, out rows), batch, time, vocab, ids, outs.Resolve<float>(scope, batch, scored), managed, rows.RowStride);
                    break;
                case ElementType.F16:
                    uq.TokenStatistics(
                        scope.Rows<Half>(x, out rows), batch, time, vocab, ids, outs.Resolve<float>(scope, batch, scored), managed, rows.RowStride);
                    break;
                case ElementType.BF16:
                    uq.TokenStatistics(
                        scope.Rows<BFloat16>(x, out rows), batch, time, vocab, ids, outs.Resolve<float>(scope, batch, scored), managed, rows.RowStride);
                    break;
                default:
                    uq.TokenStatistics(
                        scope.Rows<double>(x, out rows), batch, time, vocab, ids, outs.Resolve<double>(scope, batch, scored), managed, rows.RowStride);
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
