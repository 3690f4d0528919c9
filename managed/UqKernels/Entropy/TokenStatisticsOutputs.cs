namespace UqKernels;

/// <summary>
/// Caller-allocated destinations of the token-level statistics. Token outputs are <c>[B·(T − shift)]</c> (row-major
/// <c>[B, T − shift]</c>: scored position <c>t</c> of sequence <c>b</c> at <c>b·(T − shift) + t</c>); sequence outputs are
/// <c>[B]</c>. Leave a span empty to skip that output.
/// </summary>
/// <typeparam name="T">f32 for f32/f16/bf16 logits, f64 for f64 logits.</typeparam>
public ref struct TokenStatisticsOutputs<T>
    where T : unmanaged
{
    /// <summary>Per scored token <c>lse − x_y</c>; NaN where the label is ignored (needs labels).</summary>
    public Span<T> TokenNll;

    /// <summary>Per scored token the entropy <c>H(softmax(x))</c> in nats (given at every scored position, ignored or not).</summary>
    public Span<T> TokenEntropy;

    /// <summary>Per scored token the maximum softmax probability (given at every scored position).</summary>
    public Span<T> TokenMsp;

    /// <summary>Per sequence <c>Σ NLL</c> over its valid tokens, accumulated in f64; 0 when it has none (needs labels).</summary>
    public Span<T> SequenceSumNll;

    /// <summary>Per sequence the mean NLL over its valid tokens (length-normalised); NaN when it has none (needs labels).</summary>
    public Span<T> SequenceMeanNll;

    /// <summary>Per sequence the perplexity <c>exp(mean NLL)</c>; NaN when it has no valid token (needs labels).</summary>
    public Span<T> SequencePerplexity;

    /// <summary>Per sequence the number of scored tokens whose label is not ignored (needs labels).</summary>
    public Span<int> SequenceCount;

    /// <summary>True when some output that depends on the labels is requested.</summary>
    internal readonly bool NeedsLabels =>
        !TokenNll.IsEmpty || !SequenceSumNll.IsEmpty || !SequenceMeanNll.IsEmpty || !SequencePerplexity.IsEmpty
        || !SequenceCount.IsEmpty;

    /// <summary>True when a per-sequence output is requested.</summary>
    internal readonly bool NeedsSequences =>
        !SequenceSumNll.IsEmpty || !SequenceMeanNll.IsEmpty || !SequencePerplexity.IsEmpty || !SequenceCount.IsEmpty;

    internal readonly void Validate(int batch, int scored, bool hasLabels, string outputsName, string labelsName)
    {
        if (!NeedsLabels && TokenEntropy.IsEmpty && TokenMsp.IsEmpty)
        {
            throw new ArgumentException("No output was requested: set at least one destination span.", outputsName);
        }

        if (NeedsLabels && !hasLabels)
        {
            throw new ArgumentException(
                "TokenNll and the sequence outputs need labels, but labels is empty.", labelsName);
        }

        int tokens = batch * scored;
        Check.Destination(TokenNll.Length, tokens, "outputs.TokenNll");
        Check.Destination(TokenEntropy.Length, tokens, "outputs.TokenEntropy");
        Check.Destination(TokenMsp.Length, tokens, "outputs.TokenMsp");
        Check.Destination(SequenceSumNll.Length, batch, "outputs.SequenceSumNll");
        Check.Destination(SequenceMeanNll.Length, batch, "outputs.SequenceMeanNll");
        Check.Destination(SequencePerplexity.Length, batch, "outputs.SequencePerplexity");
        Check.Destination(SequenceCount.Length, batch, "outputs.SequenceCount");
    }
}
