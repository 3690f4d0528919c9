using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_vmf_sample_options</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct VmfSampleOptionsAbi
{
    public uint StructSize;
    public int Samples;
    public ulong Seed;
    public ulong Offset;
    public int Mode;
    public int Reserved;

    public static VmfSampleOptionsAbi Default => new() { Samples = 1 };

    /// <summary>The managed options; samples and mode are checked under their C names (the offset by the managed API).</summary>
    public readonly VmfSampleOptions ToManaged()
    {
        if (Samples < 1)
        {
            throw new ArgumentOutOfRangeException("options->samples", $"options->samples is {Samples}; at least 1 sample per element.");
        }

        if (Mode is not ((int)VmfSamplerMode.Exact or (int)VmfSamplerMode.ReferenceSvae))
        {
            throw new ArgumentOutOfRangeException(
                "options->mode", $"options->mode is {Mode}; expected UQ_VMF_SAMPLER_EXACT (0) or UQ_VMF_SAMPLER_REFERENCE_SVAE (1).");
        }

        return new VmfSampleOptions { Samples = Samples, Seed = Seed, Offset = Offset, Mode = (VmfSamplerMode)Mode };
    }
}

/// <summary><c>uq_vmf_sample_outputs</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VmfSampleOutputsAbi
{
    public uint StructSize;
    public uint Reserved;
    public DLTensor* Samples;
    public DLTensor* Cosines;
    public DLTensor* Proposals;

    /// <summary>The managed destinations: samples <c>[N, S, d]</c> (required: checked by the export), cosines and proposals <c>[N, S]</c>.</summary>
    public readonly VmfSampleOutputs<T> Resolve<T>(CallScope scope, long n, long s, long d)
        where T : unmanaged
    {
        ElementType t = ElementTypes.Of<T>();
        return new VmfSampleOutputs<T>
        {
            Samples = scope.Output<T>(TensorView.Output(Samples, "outputs->samples", t, n, s, d)),
            Cosines = scope.Output<T>(TensorView.Output(Cosines, "outputs->cosines", t, n, s)),
            Proposals = scope.Output<int>(TensorView.Output(Proposals, "outputs->proposals", ElementType.I32, n, s)),
        };
    }
}

/// <summary><c>uq_vmf_sample_gradients</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VmfSampleGradientsAbi
{
    public uint StructSize;
    public uint Reserved;
    public DLTensor* Mu;
    public DLTensor* Kappa;

    /// <summary>The managed destinations: <c>∂L/∂μ [N, d]</c> and <c>∂L/∂κ [N]</c> (at least one: checked by the export).</summary>
    public readonly VmfSampleGradients<T> Resolve<T>(CallScope scope, long n, long d)
        where T : unmanaged
    {
        ElementType t = ElementTypes.Of<T>();
        return new VmfSampleGradients<T>
        {
            Mu = scope.Output<T>(TensorView.Output(Mu, "gradients->mu", t, n, d)),
            Kappa = scope.Output<T>(TensorView.Output(Kappa, "gradients->kappa", t, n)),
        };
    }
}
