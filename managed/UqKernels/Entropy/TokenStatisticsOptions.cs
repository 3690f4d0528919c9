namespace UqKernels;

/// <summary>Options of the token-level LLM statistics (uq_metrics.md §1.6).</summary>
public sealed record TokenStatisticsOptions
{
    /// <summary>The defaults: shift 1 (Hugging Face causal-LM convention), ignore index −100, temperature 1.</summary>
    public static TokenStatisticsOptions Default { get; } = new();

    /// <summary>
    /// 0 or 1. With 1 (causal LM), <c>logits[b, t]</c> scores <c>labels[b, t + 1]</c> and positions <c>t = 0 … T − 2</c>
    /// are scored; with 0, <c>logits[b, t]</c> scores <c>labels[b, t]</c> for every <c>t</c>.
    /// </summary>
    public int Shift { get; init; } = 1;

    /// <summary>Labels equal to this value are not scored: their token NLL is NaN and they are not counted (PyTorch/HF −100).</summary>
    public int IgnoreIndex { get; init; } = -100;

    /// <summary>Temperature <c>T &gt; 0</c>; logits are scaled by <c>1/T</c> on load (NLL, entropy and MSP all use it).</summary>
    public double Temperature { get; init; } = 1.0;

    internal void Validate()
    {
        if (Shift is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Shift), Shift, "Shift must be 0 or 1.");
        }

        if (!(Temperature > 0) || double.IsInfinity(Temperature))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Temperature), Temperature, "Temperature must be finite and greater than 0.");
        }
    }
}
