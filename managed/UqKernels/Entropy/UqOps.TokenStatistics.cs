using System.Buffers;
using System.Numerics;
using UqKernels.Cpu;
using UqKernels.Kernels.Math;

namespace UqKernels;

public static partial class UqOps
{
    /// <summary>
    /// Token-level LLM statistics (uq_metrics.md §1.6) of logits <c>[B, T, V]</c> and labels <c>[B, T]</c>: per scored
    /// token the NLL of its label, the entropy and the MSP; per sequence <c>Σ NLL</c>, the number of valid tokens, the
    /// mean NLL and the perplexity <c>exp(mean NLL)</c>.
    /// </summary>
    /// <remarks>
    /// <para>With shift <c>s</c> (<see cref="TokenStatisticsOptions.Shift"/>), the scored positions are <c>t = 0 … T − 1 − s</c>
    /// and position <c>(b, t)</c> uses the logits row <c>x = logits[b, t, :]/Temperature</c> and the label
    /// <c>y = labels[b, t + s]</c>: <c>NLL = lse(x) − x_y</c>, <c>H = −Σ p log p</c>, <c>MSP = max p</c> with
    /// <c>p = softmax(x)</c>, exactly the single-model row statistics of that row (they are computed by the same pass,
    /// one row of V at a time, never materialising the softmax). A token is valid when its label is not
    /// <see cref="TokenStatisticsOptions.IgnoreIndex"/>; per sequence, <c>SumNll = Σ_valid NLL</c> (accumulated in f64),
    /// <c>Count = #valid</c>, <c>MeanNll = SumNll/Count</c> and <c>Perplexity = exp(MeanNll)</c>. A sequence with no
    /// valid token has count 0, sum 0 and NaN mean and perplexity (Hugging Face's mean loss over valid tokens).</para>
    /// <para>NaN policy: a logits row with a NaN or <c>+∞</c> entry (or no finite entry) gives NaN NLL, entropy and MSP
    /// for that token; when its label is valid, that sequence's sum, mean and perplexity are NaN too (it is still
    /// counted). A <c>−∞</c> logit has probability 0 (a valid label on it gives NLL <c>+∞</c>). Other tokens and
    /// sequences are never affected.</para>
    /// <para>Accumulation per row is in the compute type (f32 for f32/f16/bf16 logits, f64 for f64); the CPU path adds
    /// blocks of 4,096 in f64.</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="logits">Logits <c>[B, T, V]</c>: row <c>(b, t)</c> starts at <c>(b·T + t)·vocabStride</c>.</param>
    /// <param name="batch">Number of sequences <c>B</c> (≥ 1).</param>
    /// <param name="time">Sequence length <c>T</c> (&gt; shift).</param>
    /// <param name="vocab">Vocabulary size <c>V</c> (≥ 1).</param>
    /// <param name="labels"><c>[B, T]</c> labels in <c>[0, V)</c> or the ignore index; may be empty when only
    /// <see cref="TokenStatisticsOutputs{T}.TokenEntropy"/> and <see cref="TokenStatisticsOutputs{T}.TokenMsp"/> are requested.</param>
    /// <param name="outputs">Destinations; empty spans are skipped.</param>
    /// <param name="options">Shift, ignore index and temperature; <see cref="TokenStatisticsOptions.Default"/> when null.</param>
    /// <param name="vocabStride">Distance between consecutive logits rows in elements (≥ V, for padded vocabularies);
    /// <paramref name="vocab"/> when null.</param>
    /// <exception cref="ArgumentException">A length or option is invalid; the message names the argument.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is out of range, or a label is outside <c>[0, V)</c> and is
    /// not the ignore index.</exception>
    public static void TokenStatistics(
        this UqContext context,
        ReadOnlySpan<float> logits,
        int batch,
        int time,
        int vocab,
        ReadOnlySpan<int> labels,
        TokenStatisticsOutputs<float> outputs,
        TokenStatisticsOptions? options = null,
        long? vocabStride = null) =>
        TokenStatistics<float, float, float, LoadF32, Real32, WidenF32>(
            context, logits, batch, time, vocab, labels, outputs, options, vocabStride);

    /// <inheritdoc cref="TokenStatistics(UqContext, ReadOnlySpan{float}, int, int, int, ReadOnlySpan{int}, TokenStatisticsOutputs{float}, TokenStatisticsOptions?, long?)"/>
    public static void TokenStatistics(
        this UqContext context,
        ReadOnlySpan<double> logits,
        int batch,
        int time,
        int vocab,
        ReadOnlySpan<int> labels,
        TokenStatisticsOutputs<double> outputs,
        TokenStatisticsOptions? options = null,
        long? vocabStride = null) =>
        TokenStatistics<double, double, double, LoadF64, Real64, WidenF64>(
            context, logits, batch, time, vocab, labels, outputs, options, vocabStride);

    /// <inheritdoc cref="TokenStatistics(UqContext, ReadOnlySpan{float}, int, int, int, ReadOnlySpan{int}, TokenStatisticsOutputs{float}, TokenStatisticsOptions?, long?)"/>
    public static void TokenStatistics(
        this UqContext context,
        ReadOnlySpan<Half> logits,
        int batch,
        int time,
        int vocab,
        ReadOnlySpan<int> labels,
        TokenStatisticsOutputs<float> outputs,
        TokenStatisticsOptions? options = null,
        long? vocabStride = null) =>
        TokenStatistics<Half, ushort, float, LoadF16, Real32, WidenF16>(
            context, logits, batch, time, vocab, labels, outputs, options, vocabStride);

    /// <inheritdoc cref="TokenStatistics(UqContext, ReadOnlySpan{float}, int, int, int, ReadOnlySpan{int}, TokenStatisticsOutputs{float}, TokenStatisticsOptions?, long?)"/>
    public static void TokenStatistics(
        this UqContext context,
        ReadOnlySpan<BFloat16> logits,
        int batch,
        int time,
        int vocab,
        ReadOnlySpan<int> labels,
        TokenStatisticsOutputs<float> outputs,
        TokenStatisticsOptions? options = null,
        long? vocabStride = null) =>
        TokenStatistics<BFloat16, ushort, float, LoadBf16, Real32, WidenBf16>(
            context, logits, batch, time, vocab, labels, outputs, options, vocabStride);

    // Design: a token row (b, t) is row b·T + t of the [B·T, V] matrix (row stride = vocabStride), scored against
    // labels[b, t + shift]. So this op builds that shifted label array and runs the existing single-model pass
    // (RowStatistics: one launch / one parallel CPU loop, one row of V at a time) over the first B·T − shift rows,
    // which are uniformly strided. With shift = 1 the rows at t = T − 1 of sequences 0 … B − 2 are inside that range;
    // they get the ignore label and are dropped afterwards. That wastes (B − 1) of B·T rows (≤ 1/T of the work) but
    // keeps one uniform launch and leaves the shared kernel untouched, where a row map would need a second kernel
    // variant. When the layouts coincide (shift 0, or B = 1) the pass writes straight into the caller's spans.
    private static void TokenStatistics<TStorage, TDevice, T, TLoad, TReal, TWiden>(
        UqContext context,
        ReadOnlySpan<TStorage> logits,
        int batch,
        int time,
        int vocab,
        ReadOnlySpan<int> labels,
        TokenStatisticsOutputs<T> outputs,
        TokenStatisticsOptions? options,
        long? vocabStride)
        where TStorage : unmanaged
        where TDevice : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLoad : struct, IElementLoader<TDevice, T>
        where TReal : struct, IReal<T>
        where TWiden : struct, IRowWidening<TStorage, T>
    {
        ArgumentNullException.ThrowIfNull(context);
        options ??= TokenStatisticsOptions.Default;
        options.Validate();
        int shift = options.Shift;
        int ignoreIndex = options.IgnoreIndex;
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocab, 1);
        if (time <= shift)
        {
            throw new ArgumentOutOfRangeException(
                nameof(time), time, $"time must be greater than the shift {shift}: no position would be scored.");
        }

        if ((long)batch * time > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"batch·time = {(long)batch * time} tokens is too many.");
        }

        long stride = vocabStride ?? vocab;
        if (stride < vocab)
        {
            throw new ArgumentOutOfRangeException(
                nameof(vocabStride), stride, $"vocabStride must be at least vocab = {vocab}; rows must not overlap.");
        }

        int tokens = batch * time;
        int scored = time - shift;
        new MatrixShape(tokens, vocab, stride).Validate(logits.Length, nameof(logits));
        if (!labels.IsEmpty && labels.Length != tokens)
        {
            throw new ArgumentException(
                $"{nameof(labels)} has {labels.Length} elements but [B, T] = [{batch}, {time}] needs {tokens}.",
                nameof(labels));
        }

        Check.Labels(labels, tokens, vocab, ignoreIndex, nameof(labels));
        bool hasLabels = !labels.IsEmpty;
        outputs.Validate(batch, scored, hasLabels, nameof(outputs), nameof(labels));

        int rows = tokens - shift;
        bool direct = shift == 0 || batch == 1;
        bool needNll = outputs.NeedsLabels;
        T[]? nllBuffer = needNll && (!direct || outputs.TokenNll.IsEmpty) ? ArrayPool<T>.Shared.Rent(rows) : null;
        T[]? entropyBuffer = !direct && !outputs.TokenEntropy.IsEmpty ? ArrayPool<T>.Shared.Rent(rows) : null;
        T[]? mspBuffer = !direct && !outputs.TokenMsp.IsEmpty ? ArrayPool<T>.Shared.Rent(rows) : null;
        int[]? rowLabels = hasLabels ? ArrayPool<int>.Shared.Rent(rows) : null;
        try
        {
            Span<int> shiftedLabels = default;
            if (rowLabels is not null)
            {
                shiftedLabels = rowLabels.AsSpan(0, rows);
                labels[shift..].CopyTo(shiftedLabels);
                if (shift == 1)
                {
                    for (int b = 0; b < batch - 1; b++)
                    {
                        shiftedLabels[(b * time) + time - 1] = ignoreIndex;
                    }
                }
            }

            Span<T> nll = nllBuffer is not null ? nllBuffer.AsSpan(0, rows) : outputs.TokenNll;
            Span<T> entropy = entropyBuffer is not null ? entropyBuffer.AsSpan(0, rows) : outputs.TokenEntropy;
            Span<T> msp = mspBuffer is not null ? mspBuffer.AsSpan(0, rows) : outputs.TokenMsp;
            var rowOutputs = new RowStatisticsOutputs<T>
            {
                Nll = needNll ? nll[..rows] : default,
                Entropy = entropy.IsEmpty ? default : entropy[..rows],
                Msp = msp.IsEmpty ? default : msp[..rows],
            };
            var rowOptions = new RowStatisticsOptions { Temperature = options.Temperature, IgnoreIndex = ignoreIndex };
            RowStatistics<TStorage, TDevice, T, TLoad, TReal, TWiden>(
                context, logits, new MatrixShape(rows, vocab, stride), shiftedLabels, rowOutputs, rowOptions);

            if (!direct)
            {
                CompactTokenRows(nllBuffer, outputs.TokenNll, batch, time, scored);
                CompactTokenRows(entropyBuffer, outputs.TokenEntropy, batch, time, scored);
                CompactTokenRows(mspBuffer, outputs.TokenMsp, batch, time, scored);
            }

            if (outputs.NeedsSequences)
            {
                ReduceTokenSequences<T, TReal>(rowOutputs.Nll, shiftedLabels, ignoreIndex, batch, time, scored, outputs);
            }
        }
        finally
        {
            ReturnTokenBuffer(nllBuffer);
            ReturnTokenBuffer(entropyBuffer);
            ReturnTokenBuffer(mspBuffer);
            if (rowLabels is not null)
            {
                ArrayPool<int>.Shared.Return(rowLabels);
            }
        }
    }

    /// <summary>Copies rows <c>b·T + t</c> (<c>t &lt; scored</c>) of <paramref name="source"/> to <c>b·scored + t</c>.</summary>
    private static void CompactTokenRows<T>(T[]? source, Span<T> destination, int batch, int time, int scored)
    {
        if (source is null || destination.IsEmpty)
        {
            return;
        }

        for (int b = 0; b < batch; b++)
        {
            source.AsSpan(b * time, scored).CopyTo(destination.Slice(b * scored, scored));
        }
    }

    /// <summary>Per-sequence Σ NLL (in f64), count, mean and perplexity over the valid scored tokens.</summary>
    private static void ReduceTokenSequences<T, TReal>(
        ReadOnlySpan<T> nll,
        ReadOnlySpan<int> rowLabels,
        int ignoreIndex,
        int batch,
        int time,
        int scored,
        TokenStatisticsOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        for (int b = 0; b < batch; b++)
        {
            double sum = 0;
            int count = 0;
            int start = b * time;
            for (int t = 0; t < scored; t++)
            {
                if (rowLabels[start + t] != ignoreIndex)
                {
                    sum += TReal.ToDouble(nll[start + t]);
                    count++;
                }
            }

            double mean = count > 0 ? sum / count : double.NaN;
            if (!outputs.SequenceSumNll.IsEmpty)
            {
                outputs.SequenceSumNll[b] = TReal.FromDouble(sum);
            }

            if (!outputs.SequenceCount.IsEmpty)
            {
                outputs.SequenceCount[b] = count;
            }

            if (!outputs.SequenceMeanNll.IsEmpty)
            {
                outputs.SequenceMeanNll[b] = TReal.FromDouble(mean);
            }

            if (!outputs.SequencePerplexity.IsEmpty)
            {
                outputs.SequencePerplexity[b] = TReal.FromDouble(Math.Exp(mean));
            }
        }
    }

    private static void ReturnTokenBuffer<T>(T[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<T>.Shared.Return(buffer);
        }
    }
}
