using System.Globalization;
using UqKernels.Kernels.Vmf;

namespace UqKernels;

/// <summary>
/// Options of <see cref="UqOps.VonMisesFisherSample(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfSampleOptions, VmfSampleOutputs{double})"/>
/// and of its backward pass: the number of samples per element and the random stream.
/// </summary>
/// <remarks>
/// Random stream: Philox4x32-10 with key = <see cref="Seed"/>; sample s of element i uses counters
/// <c>(i, s, c₂, c₃)</c>, <c>c₃·2³² + c₂ = Offset·2²⁰ + draw</c> (<see cref="VmfSampler"/>). The same (Seed, Offset)
/// regenerates the same samples (the backward pass relies on it); different offsets give disjoint streams, so a
/// training loop can keep one seed and use the step number as the offset.
/// </remarks>
public sealed record VmfSampleOptions
{
    /// <summary>Samples per element S ≥ 1 (default 1).</summary>
    public int Samples { get; init; } = 1;

    /// <summary>The 64-bit seed (the Philox key).</summary>
    public ulong Seed { get; init; }

    /// <summary>The stream offset, below 2⁴⁴ (for example the training step).</summary>
    public ulong Offset { get; init; }

    /// <summary>The sampler; <see cref="VmfSamplerMode.Exact"/> unless reproducing the research code's bias.</summary>
    public VmfSamplerMode Mode { get; init; } = VmfSamplerMode.Exact;

    internal void Validate()
    {
        if (Samples < 1)
        {
            throw new ArgumentOutOfRangeException(
                "options.Samples", Samples, "options.Samples must be at least 1 (samples drawn per element).");
        }

        if (Offset >= VmfSampler.MaxOffsetExclusive)
        {
            throw new ArgumentOutOfRangeException(
                "options.Offset",
                Offset,
                string.Create(CultureInfo.InvariantCulture, $"options.Offset must be below 2^44 = {VmfSampler.MaxOffsetExclusive}."));
        }

        if (Mode is not (VmfSamplerMode.Exact or VmfSamplerMode.ReferenceSvae))
        {
            throw new ArgumentOutOfRangeException("options.Mode", Mode, "options.Mode is not a VmfSamplerMode.");
        }
    }
}
