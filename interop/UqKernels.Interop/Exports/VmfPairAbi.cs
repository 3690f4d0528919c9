using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_vmf_kl_outputs</c>: each <c>[N]</c> with κ's dtype.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VmfKlOutputsAbi
{
    public uint StructSize;
    public uint Reserved;
    public DLTensor* Divergence;
    public DLTensor* DerivativeKappa1;
    public DLTensor* DerivativeKappa2;

    /// <summary>The managed destinations (κ's type <typeparamref name="T"/>), each <c>[n]</c>.</summary>
    public readonly VmfKlOutputs<T> Resolve<T>(CallScope scope, long n)
        where T : unmanaged
    {
        ElementType t = ElementTypes.Of<T>();
        return new VmfKlOutputs<T>
        {
            Divergence = scope.Output<T>(TensorView.Output(Divergence, "outputs->divergence", t, n)),
            DerivativeKappa1 = scope.Output<T>(TensorView.Output(DerivativeKappa1, "outputs->derivative_kappa1", t, n)),
            DerivativeKappa2 = scope.Output<T>(TensorView.Output(DerivativeKappa2, "outputs->derivative_kappa2", t, n)),
        };
    }
}

/// <summary><c>uq_vmf_log_density_outputs</c>: each <c>[N]</c> with κ's dtype.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VmfLogDensityOutputsAbi
{
    public uint StructSize;
    public uint Reserved;
    public DLTensor* LogDensity;
    public DLTensor* DerivativeKappa;

    /// <summary>The managed destinations (κ's type <typeparamref name="T"/>), each <c>[n]</c>.</summary>
    public readonly VmfLogDensityOutputs<T> Resolve<T>(CallScope scope, long n)
        where T : unmanaged
    {
        ElementType t = ElementTypes.Of<T>();
        return new VmfLogDensityOutputs<T>
        {
            LogDensity = scope.Output<T>(TensorView.Output(LogDensity, "outputs->log_density", t, n)),
            DerivativeKappa = scope.Output<T>(TensorView.Output(DerivativeKappa, "outputs->derivative_kappa", t, n)),
        };
    }
}
