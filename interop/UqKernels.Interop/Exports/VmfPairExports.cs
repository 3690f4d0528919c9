using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary>
/// <c>uq_vmf_kl_divergence</c>, <c>uq_vmf_expected_likelihood_kernel</c>, <c>uq_vmf_log_density</c>: von Mises–Fisher
/// pair operations, from <c>1 − cos</c> or from two <c>[N, d]</c> unit-vector matrices.
/// </summary>
internal static unsafe class VmfPairExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_vmf_kl_divergence")]
    public static int KlDivergence(
        nint context, DLTensor* kappa1, DLTensor* kappa2, DLTensor* oneMinusCosine, DLTensor* mu1, DLTensor* mu2, int dimension,
        VmfKlOutputsAbi* outputs)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            UqContext uq = ContextHandle.Get(context);
            VmfKlOutputsAbi outs = AbiStruct.ReadRequired(outputs, nameof(outputs));
            TensorView k1 = TensorView.Input(kappa1, nameof(kappa1), 1, "[N]", ElementType.Real);
            TensorView k2 = TensorView.Input(kappa2, nameof(kappa2), 1, "[N]", k1.Type);
            PairGeometry g = PairGeometry.Resolve(oneMinusCosine, mu1, nameof(mu1), mu2, nameof(mu2), k1, dimension);
            long n = k1.Length(0);
            if (k1.Type == ElementType.F32)
            {
                VmfKlOutputs<float> o = outs.Resolve<float>(scope, n);
                if (g.FromVectors)
                {
                    uq.VonMisesFisherKlDivergence(scope.Input<float>(g.First), scope.Input<float>(k1), scope.Input<float>(g.Second), scope.Input<float>(k2), dimension, o);
                }
                else
                {
                    uq.VonMisesFisherKlDivergence(scope.Input<float>(k1), scope.Input<float>(k2), scope.Input<float>(g.Cosine), dimension, o);
                }
            }
            else
            {
                VmfKlOutputs<double> o = outs.Resolve<double>(scope, n);
                if (g.FromVectors)
                {
                    uq.VonMisesFisherKlDivergence(scope.Input<double>(g.First), scope.Input<double>(k1), scope.Input<double>(g.Second), scope.Input<double>(k2), dimension, o);
                }
                else
                {
                    uq.VonMisesFisherKlDivergence(scope.Input<double>(k1), scope.Input<double>(k2), scope.Input<double>(g.Cosine), dimension, o);
                }
            }

            scope.Commit();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_vmf_expected_likelihood_kernel")]
    public static int ExpectedLikelihoodKernel(
        nint context, DLTensor* kappa1, DLTensor* kappa2, DLTensor* oneMinusCosine, DLTensor* mu1, DLTensor* mu2, int dimension,
        double rho, DLTensor* destination)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            UqContext uq = ContextHandle.Get(context);
            TensorView k1 = TensorView.Input(kappa1, nameof(kappa1), 1, "[N]", ElementType.Real);
            TensorView k2 = TensorView.Input(kappa2, nameof(kappa2), 1, "[N]", k1.Type);
            PairGeometry g = PairGeometry.Resolve(oneMinusCosine, mu1, nameof(mu1), mu2, nameof(mu2), k1, dimension);
            if (destination == null)
            {
                throw new ArgumentNullException(nameof(destination), "destination is NULL; expected a DLTensor [N] with kappa1's dtype.");
            }

            TensorView d = TensorView.Output(destination, nameof(destination), k1.Type, k1.Length(0));
            if (k1.Type == ElementType.F32)
            {
                if (g.FromVectors)
                {
                    uq.VonMisesFisherExpectedLikelihoodKernel(
                        scope.Input<float>(g.First), scope.Input<float>(k1), scope.Input<float>(g.Second), scope.Input<float>(k2), dimension, (float)rho, scope.Output<float>(d));
                }
                else
                {
                    uq.VonMisesFisherExpectedLikelihoodKernel(
                        scope.Input<float>(k1), scope.Input<float>(k2), scope.Input<float>(g.Cosine), dimension, (float)rho, scope.Output<float>(d));
                }
            }
            else if (g.FromVectors)
            {
                uq.VonMisesFisherExpectedLikelihoodKernel(
                    scope.Input<double>(g.First), scope.Input<double>(k1), scope.Input<double>(g.Second), scope.Input<double>(k2), dimension, rho, scope.Output<double>(d));
            }
            else
            {
                uq.VonMisesFisherExpectedLikelihoodKernel(
                    scope.Input<double>(k1), scope.Input<double>(k2), scope.Input<double>(g.Cosine), dimension, rho, scope.Output<double>(d));
            }

            scope.Commit();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_vmf_log_density")]
    public static int LogDensity(
        nint context, DLTensor* kappa, DLTensor* oneMinusCosine, DLTensor* mu, DLTensor* x, int dimension, VmfLogDensityOutputsAbi* outputs)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            UqContext uq = ContextHandle.Get(context);
            VmfLogDensityOutputsAbi outs = AbiStruct.ReadRequired(outputs, nameof(outputs));
            TensorView k = TensorView.Input(kappa, nameof(kappa), 1, "[N]", ElementType.Real);
            PairGeometry g = PairGeometry.Resolve(oneMinusCosine, mu, nameof(mu), x, nameof(x), k, dimension);
            long n = k.Length(0);
            if (k.Type == ElementType.F32)
            {
                VmfLogDensityOutputs<float> o = outs.Resolve<float>(scope, n);
                if (g.FromVectors)
                {
                    uq.VonMisesFisherLogDensity(scope.Input<float>(g.First), scope.Input<float>(k), scope.Input<float>(g.Second), dimension, o);
                }
                else
                {
                    uq.VonMisesFisherLogDensity(scope.Input<float>(k), scope.Input<float>(g.Cosine), dimension, o);
                }
            }
            else
            {
                VmfLogDensityOutputs<double> o = outs.Resolve<double>(scope, n);
                if (g.FromVectors)
                {
                    uq.VonMisesFisherLogDensity(scope.Input<double>(g.First), scope.Input<double>(k), scope.Input<double>(g.Second), dimension, o);
                }
                else
                {
                    uq.VonMisesFisherLogDensity(scope.Input<double>(k), scope.Input<double>(g.Cosine), dimension, o);
                }
            }

            scope.Commit();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    /// <summary>
    /// Where a pair operation's <c>1 − cos</c> comes from: <c>one_minus_cosine [N]</c>, or (when it is NULL) two
    /// <c>[N, d]</c> unit-vector matrices, all with κ's dtype.
    /// </summary>
    private readonly struct PairGeometry
    {
        public TensorView Cosine { get; private init; }

        public TensorView First { get; private init; }

        public TensorView Second { get; private init; }

        public bool FromVectors => First.IsPresent;

        public static PairGeometry Resolve(
            DLTensor* oneMinusCosine, DLTensor* first, string firstName, DLTensor* second, string secondName, in TensorView kappa, int dimension)
        {
            long n = kappa.Length(0);
            if (oneMinusCosine != null)
            {
                if (first != null || second != null)
                {
                    throw new ArgumentException(
                        $"one_minus_cosine and {(first != null ? firstName : secondName)} are both given; pass either one_minus_cosine [N] or {firstName} and {secondName} [N, d].",
                        first != null ? firstName : secondName);
                }

                TensorView c = TensorView.Input(oneMinusCosine, "one_minus_cosine", 1, "[N]", kappa.Type);
                RequireExtent(c, 0, n, "N");
                return new PairGeometry { Cosine = c };
            }

            if (first == null || second == null)
            {
                string missing = first == null ? firstName : secondName;
                throw new ArgumentNullException(
                    missing, $"{missing} is NULL; pass one_minus_cosine [N], or both {firstName} and {secondName} [N, d].");
            }

            TensorView a = TensorView.Input(first, firstName, 2, "[N, d]", kappa.Type);
            TensorView b = TensorView.Input(second, secondName, 2, "[N, d]", kappa.Type);
            RequireExtent(a, 0, n, "N");
            RequireExtent(a, 1, dimension, "dimension");
            RequireExtent(b, 0, n, "N");
            RequireExtent(b, 1, dimension, "dimension");
            return new PairGeometry { First = a, Second = b };
        }

        private static void RequireExtent(in TensorView view, int axis, long expected, string what)
        {
            if (view.Length(axis) != expected)
            {
                throw new ArgumentException(
                    $"{view.Name}.shape[{axis}] is {view.Length(axis)} but {what} is {expected}.", view.Name);
            }
        }
    }
}
