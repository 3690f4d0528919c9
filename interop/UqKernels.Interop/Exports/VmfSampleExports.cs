using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_vmf_sample</c> and <c>uq_vmf_sample_backward</c>: reproducible vMF samples (Philox, seed + offset) and their VJP.</summary>
internal static unsafe class VmfSampleExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_vmf_sample")]
    public static int Sample(nint context, DLTensor* mu, DLTensor* kappa, VmfSampleOptionsAbi* options, VmfSampleOutputsAbi* outputs)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            UqContext uq = ContextHandle.Get(context);
            VmfSampleOutputsAbi outs = AbiStruct.ReadRequired(outputs, nameof(outputs));
            if (outs.Samples == null)
            {
                throw new ArgumentNullException(nameof(outputs), "outputs->samples is NULL; the samples [N, S, d] are required.");
            }
            VmfSampleOptions o = AbiStruct.ReadOptions(options, VmfSampleOptionsAbi.Default, nameof(options)).ToManaged();
            (TensorView m, TensorView k) = Inputs(mu, kappa);
            int n = m.Length(0);
            int d = m.Length(1);
            if (m.Type == ElementType.F32)
            {
                uq.VonMisesFisherSample(scope.Input<float>(m), scope.Input<float>(k), d, o, outs.Resolve<float>(scope, n, o.Samples, d));
            }
            else
            {
                uq.VonMisesFisherSample(scope.Input<double>(m), scope.Input<double>(k), d, o, outs.Resolve<double>(scope, n, o.Samples, d));
            }

            scope.Commit();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_vmf_sample_backward")]
    public static int SampleBackward(
        nint context, DLTensor* mu, DLTensor* kappa, VmfSampleOptionsAbi* options, DLTensor* upstream, int gradientMode,
        VmfSampleGradientsAbi* gradients)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            UqContext uq = ContextHandle.Get(context);
            VmfSampleGradientsAbi grads = AbiStruct.ReadRequired(gradients, nameof(gradients));
            if (grads.Mu == null && grads.Kappa == null)
            {
                throw new ArgumentException("No gradient was requested: set gradients->mu and/or gradients->kappa.", nameof(gradients));
            }
            VmfSampleOptions o = AbiStruct.ReadOptions(options, VmfSampleOptionsAbi.Default, nameof(options)).ToManaged();
            (TensorView m, TensorView k) = Inputs(mu, kappa);
            int n = m.Length(0);
            int d = m.Length(1);
            TensorView g = TensorView.Input(upstream, nameof(upstream), 3, "[N, S, d]", m.Type);
            if (g.Length(0) != n || g.Length(1) != o.Samples || g.Length(2) != d)
            {
                throw new ArgumentException(
                    $"upstream has shape [{g.Length(0)}, {g.Length(1)}, {g.Length(2)}]; expected [N, S, d] = [{n}, {o.Samples}, {d}].", nameof(upstream));
            }

            if (gradientMode is not ((int)GradientMode.Pathwise or (int)GradientMode.Implicit))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(gradientMode), $"gradient_mode is {gradientMode}; expected UQ_VMF_GRADIENT_PATHWISE (0) or UQ_VMF_GRADIENT_IMPLICIT (1).");
            }

            var mode = (GradientMode)gradientMode;
            if (m.Type == ElementType.F32)
            {
                uq.VonMisesFisherSampleBackward(
                    scope.Input<float>(m), scope.Input<float>(k), d, o, scope.Input<float>(g), mode, grads.Resolve<float>(scope, n, d));
            }
            else
            {
                uq.VonMisesFisherSampleBackward(
                    scope.Input<double>(m), scope.Input<double>(k), d, o, scope.Input<double>(g), mode, grads.Resolve<double>(scope, n, d));
            }

            scope.Commit();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    /// <summary>μ <c>[N, d]</c> (f32 or f64) and κ <c>[N]</c> of the same dtype.</summary>
    private static (TensorView Mu, TensorView Kappa) Inputs(DLTensor* mu, DLTensor* kappa)
    {
        TensorView m = TensorView.Input(mu, nameof(mu), 2, "[N, d]", ElementType.Real);
        TensorView k = TensorView.Input(kappa, nameof(kappa), 1, "[N]", m.Type);
        if (k.Length(0) != m.Length(0))
        {
            throw new ArgumentException($"kappa has {k.Length(0)} elements but mu has N = {m.Length(0)} rows.", nameof(kappa));
        }

        return (m, k);
    }
}
