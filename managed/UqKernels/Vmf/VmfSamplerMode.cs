namespace UqKernels;

/// <summary>Which Wood sampler <see cref="UqOps.VonMisesFisherSample(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfSampleOptions, VmfSampleOutputs{double})"/> runs.</summary>
public enum VmfSamplerMode
{
    /// <summary>The exact sampler: Wood's <c>b = (d − 1)/(2κ + √(4κ² + (d − 1)²))</c> (vmf_mcinfonce.md §4.1).</summary>
    Exact,

    /// <summary>
    /// <b>Wrong on purpose, for reproduction studies only.</b> The s-vae / PCL / URL / PDML code's blend
    /// <c>b = s·(d − 1)/(4κ) + (1 − s)·b_exact</c>, <c>s = clamp(κ − 10, 0, 1)</c>, with their acceptance test: for
    /// κ ≥ 11 the samples are <b>not</b> vMF-distributed (mean cosine 0.0038 instead of 0.236 at d = 128, κ = 32;
    /// anti-aligned when κ &lt; (d − 1)/4; §4.4). Identical to <see cref="Exact"/> in distribution for κ ≤ 10.
    /// </summary>
    ReferenceSvae,
}
