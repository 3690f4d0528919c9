namespace UqKernels;

/// <summary>
/// Caller-allocated destinations of the ensemble decomposition; each is <c>[B]</c>. Leave a span empty to skip that
/// output (it is then not written). Notation: member probabilities <c>p_m = softmax(x_m)</c>, the BMA
/// <c>p̄ = (1/M) Σ_m p_m</c>, the dual BMA <c>p̃ = softmax(x̄)</c> with <c>x̄ = (1/M) Σ_m x_m</c>.
/// </summary>
/// <typeparam name="T">f32 for f32/f16/bf16 logits, f64 for f64 logits.</typeparam>
public ref struct EnsembleOutputs<T>
    where T : unmanaged
{
    /// <summary>Total (predictive) uncertainty <c>H(p̄)</c> (untangle <c>entropies_of_bma</c>).</summary>
    public Span<T> Total;

    /// <summary>Aleatoric uncertainty <c>E[H] = (1/M) Σ_m H(p_m)</c> (untangle <c>expected_entropies</c>).</summary>
    public Span<T> Aleatoric;

    /// <summary>
    /// Epistemic uncertainty, the mutual information computed directly as <c>(1/M) Σ_m KL(p_m ‖ p̄)</c>
    /// (untangle <c>jensen_shannon_divergences</c>); <c>0 ≤ MI ≤ min(ln M, H(p̄))</c> up to rounding.
    /// </summary>
    public Span<T> EpistemicKl;

    /// <summary>The same mutual information by the difference form <c>H(p̄) − E[H]</c> (cancellation-prone when small).</summary>
    public Span<T> EpistemicDifference;

    /// <summary>Entropy of the dual BMA <c>H(p̃)</c> (untangle <c>entropies_of_dual_bma</c>).</summary>
    public Span<T> DualEntropy;

    /// <summary>
    /// Bregman epistemic uncertainty <c>(1/M) Σ_m KL(p̃ ‖ p_m) = (1/M) Σ_m lse(x_m) − lse(x̄) ≥ 0</c>
    /// (untangle <c>expected_divergences</c>), combined in f64 on every backend.
    /// </summary>
    public Span<T> Bregman;

    /// <summary>Expected maximum probability <c>(1/M) Σ_m max_c p_{m,c}</c> (untangle stores 1 − it).</summary>
    public Span<T> ExpectedMsp;

    /// <summary><c>max_c p̄_c</c>.</summary>
    public Span<T> MspBma;

    /// <summary><c>max_c p̃_c</c>.</summary>
    public Span<T> MspDual;

    /// <summary><c>(1/C) Σ_c Var_m(p_{m,c})</c>, unbiased (divide by M − 1, <c>torch.var</c>); 0 for M = 1.</summary>
    public Span<T> VarianceProbabilities;

    /// <summary>
    /// <c>(1/C) Σ_c Var_m(x_{m,c})</c> of the (temperature-scaled) logits, unbiased; 0 for M = 1; NaN when the sample
    /// has a −∞ logit (as <c>torch.var</c>).
    /// </summary>
    public Span<T> VarianceLogits;

    /// <summary><c>−log p̄_y</c> (needs labels; +∞ when <c>p̄_y = 0</c>).</summary>
    public Span<T> NllBma;

    /// <summary><c>lse(x̄) − x̄_y = −log p̃_y</c> (needs labels).</summary>
    public Span<T> NllDual;

    /// <summary><c>argmax_c p̄_c</c>, lowest index among ties; −1 for a sample that is not a distribution.</summary>
    public Span<int> ArgMaxBma;

    /// <summary>True when some output that depends on the label is requested.</summary>
    internal readonly bool NeedsLabels => !NllBma.IsEmpty || !NllDual.IsEmpty;

    /// <summary>True when any output at all is requested.</summary>
    internal readonly bool Any =>
        NeedsLabels || !Total.IsEmpty || !Aleatoric.IsEmpty || !EpistemicKl.IsEmpty || !EpistemicDifference.IsEmpty
        || !DualEntropy.IsEmpty || !Bregman.IsEmpty || !ExpectedMsp.IsEmpty || !MspBma.IsEmpty || !MspDual.IsEmpty
        || !VarianceProbabilities.IsEmpty || !VarianceLogits.IsEmpty || !ArgMaxBma.IsEmpty;

    internal readonly void Validate(int batch, bool hasLabels, string outputsName, string labelsName)
    {
        if (!Any)
        {
            throw new ArgumentException("No output was requested: set at least one destination span.", outputsName);
        }

        if (NeedsLabels && !hasLabels)
        {
            throw new ArgumentException("NllBma and NllDual need labels, but labels is empty.", labelsName);
        }

        Check.Destination(Total.Length, batch, "outputs.Total");
        Check.Destination(Aleatoric.Length, batch, "outputs.Aleatoric");
        Check.Destination(EpistemicKl.Length, batch, "outputs.EpistemicKl");
        Check.Destination(EpistemicDifference.Length, batch, "outputs.EpistemicDifference");
        Check.Destination(DualEntropy.Length, batch, "outputs.DualEntropy");
        Check.Destination(Bregman.Length, batch, "outputs.Bregman");
        Check.Destination(ExpectedMsp.Length, batch, "outputs.ExpectedMsp");
        Check.Destination(MspBma.Length, batch, "outputs.MspBma");
        Check.Destination(MspDual.Length, batch, "outputs.MspDual");
        Check.Destination(VarianceProbabilities.Length, batch, "outputs.VarianceProbabilities");
        Check.Destination(VarianceLogits.Length, batch, "outputs.VarianceLogits");
        Check.Destination(NllBma.Length, batch, "outputs.NllBma");
        Check.Destination(NllDual.Length, batch, "outputs.NllDual");
        Check.Destination(ArgMaxBma.Length, batch, "outputs.ArgMaxBma");
    }
}
