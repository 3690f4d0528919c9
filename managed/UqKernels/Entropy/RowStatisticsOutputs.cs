namespace UqKernels;

/// <summary>
/// Caller-allocated destinations of the single-model pass; each is <c>[B]</c>. Leave a span empty to skip that output
/// (it is then neither computed into memory nor written).
/// </summary>
/// <typeparam name="T">f32 for f32/f16/bf16 logits, f64 for f64 logits.</typeparam>
public ref struct RowStatisticsOutputs<T>
    where T : unmanaged
{
    /// <summary><c>lse = log Σ_c e^(x_c)</c>.</summary>
    public Span<T> Lse;

    /// <summary>Entropy <c>H(p) = −Σ p log p</c> in nats, <c>0 ≤ H ≤ ln C</c>.</summary>
    public Span<T> Entropy;

    /// <summary>Maximum softmax probability.</summary>
    public Span<T> Msp;

    /// <summary><c>p₍₁₎ − p₍₂₎</c> (1 when C = 1).</summary>
    public Span<T> ProbabilityMargin;

    /// <summary><c>x₍₁₎ − x₍₂₎</c> (+∞ when C = 1 or only one logit is finite).</summary>
    public Span<T> LogitMargin;

    /// <summary><c>lse − x_y</c> (needs labels).</summary>
    public Span<T> Nll;

    /// <summary>Multiclass Brier <c>Σ_c (p_c − 1[c = y])²</c> (needs labels).</summary>
    public Span<T> Brier;

    /// <summary>1 if the arg-max is the label, else 0 (needs labels).</summary>
    public Span<T> Top1Correct;

    /// <summary>1 if the label is in the top k of a stable descending sort, else 0 (needs labels).</summary>
    public Span<T> TopKCorrect;

    /// <summary><c>(1−ε)·NLL + ε·(lse − mean_c x_c)</c> (needs labels).</summary>
    public Span<T> LabelSmoothedCrossEntropy;

    /// <summary>Lowest index of the maximum logit; −1 for a row that is not a distribution.</summary>
    public Span<int> ArgMax;

    /// <summary>True when some output that depends on the label is requested.</summary>
    internal readonly bool NeedsLabels =>
        !Nll.IsEmpty || !Brier.IsEmpty || !Top1Correct.IsEmpty || !TopKCorrect.IsEmpty
        || !LabelSmoothedCrossEntropy.IsEmpty;

    /// <summary>True when any output at all is requested.</summary>
    internal readonly bool Any =>
        NeedsLabels || !Lse.IsEmpty || !Entropy.IsEmpty || !Msp.IsEmpty || !ProbabilityMargin.IsEmpty
        || !LogitMargin.IsEmpty || !ArgMax.IsEmpty;

    internal readonly void Validate(int rows, bool hasLabels, string outputsName, string labelsName)
    {
        if (!Any)
        {
            throw new ArgumentException("No output was requested: set at least one destination span.", outputsName);
        }

        if (NeedsLabels && !hasLabels)
        {
            throw new ArgumentException(
                "Nll, Brier, Top1Correct, TopKCorrect and LabelSmoothedCrossEntropy need labels, but labels is empty.",
                labelsName);
        }

        Check.Destination(Lse.Length, rows, "outputs.Lse");
        Check.Destination(Entropy.Length, rows, "outputs.Entropy");
        Check.Destination(Msp.Length, rows, "outputs.Msp");
        Check.Destination(ProbabilityMargin.Length, rows, "outputs.ProbabilityMargin");
        Check.Destination(LogitMargin.Length, rows, "outputs.LogitMargin");
        Check.Destination(Nll.Length, rows, "outputs.Nll");
        Check.Destination(Brier.Length, rows, "outputs.Brier");
        Check.Destination(Top1Correct.Length, rows, "outputs.Top1Correct");
        Check.Destination(TopKCorrect.Length, rows, "outputs.TopKCorrect");
        Check.Destination(LabelSmoothedCrossEntropy.Length, rows, "outputs.LabelSmoothedCrossEntropy");
        Check.Destination(ArgMax.Length, rows, "outputs.ArgMax");
    }
}
