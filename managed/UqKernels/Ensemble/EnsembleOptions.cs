namespace UqKernels;

/// <summary>Options of the ensemble / MC-sample decomposition.</summary>
public sealed record EnsembleOptions
{
    /// <summary>The defaults: temperature 1, ignore index −100.</summary>
    public static EnsembleOptions Default { get; } = new();

    /// <summary>Temperature <c>T &gt; 0</c>; every member's logits are scaled by <c>1/T</c> on load.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Labels equal to this value are excluded: their NLL outputs are NaN (PyTorch/HF −100).</summary>
    public int IgnoreIndex { get; init; } = -100;

    internal void Validate()
    {
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Temperature), Temperature, "Temperature must be finite and greater than 0.");
        }
    }
}
