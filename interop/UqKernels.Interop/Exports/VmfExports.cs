using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_von_mises_fisher</c> and <c>uq_vmf_entropy_f64</c> (von Mises–Fisher scalars of κ).</summary>
internal static unsafe class VmfExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_von_mises_fisher")]
    public static int VonMisesFisher(nint context, DLTensor* kappa, int dimension, DLTensor* dimensions, VmfOutputsAbi* outputs)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            Run(scope, context, kappa, dimension, dimensions, AbiStruct.ReadRequired(outputs, nameof(outputs)));
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_vmf_entropy_f64")]
    public static int EntropyF64(nint context, double* kappa, long n, int dimension, double* entropy)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            long* shape = stackalloc long[] { n };
            DLTensor k = FlatTensor.Dense(kappa, ElementType.F64, shape, 1);
            DLTensor h = FlatTensor.Dense(entropy, ElementType.F64, shape, 1);
            Run(scope, context, &k, dimension, null, new VmfOutputsAbi { Entropy = &h });
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    private static void Run(CallScope scope, nint context, DLTensor* kappa, int dimension, DLTensor* dimensions, in VmfOutputsAbi outputs)
    {
        UqContext uq = ContextHandle.Get(context);
        TensorView k = TensorView.Input(kappa, nameof(kappa), 1, "[N]", ElementType.Real);
        TensorView d = TensorView.OptionalInput(dimensions, nameof(dimensions), 1, "[N]", ElementType.Index);
        if (d.IsPresent && d.Length(0) != k.Length(0))
        {
            throw new ArgumentException($"dimensions has {d.Length(0)} elements but kappa has {k.Length(0)}.", nameof(dimensions));
        }

        long n = k.Length(0);
        if (k.Type == ElementType.F32)
        {
            if (d.IsPresent)
            {
                uq.VonMisesFisher(scope.Input<float>(k), scope.Int32s(d), outputs.Resolve<float>(scope, n));
            }
            else
            {
                uq.VonMisesFisher(scope.Input<float>(k), dimension, outputs.Resolve<float>(scope, n));
            }
        }
        else if (d.IsPresent)
        {
            uq.VonMisesFisher(scope.Input<double>(k), scope.Int32s(d), outputs.Resolve<double>(scope, n));
        }
        else
        {
            uq.VonMisesFisher(scope.Input<double>(k), dimension, outputs.Resolve<double>(scope, n));
        }

        scope.Commit();
    }
}
