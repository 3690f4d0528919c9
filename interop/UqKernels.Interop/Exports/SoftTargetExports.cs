using System.Numerics;
using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_soft_target_cross_entropy</c> and its flat f32 form.</summary>
internal static unsafe class SoftTargetExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_soft_target_cross_entropy")]
    public static int SoftTargetCrossEntropy(nint context, DLTensor* logits, DLTensor* targets, DLTensor* destination)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            Run(scope, context, logits, targets, destination);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_soft_target_cross_entropy_f32")]
    public static int SoftTargetCrossEntropyF32(nint context, float* logits, float* targets, long rows, long classes, float* destination)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            long* shape = stackalloc long[] { rows, classes };
            DLTensor x = FlatTensor.Dense(logits, ElementType.F32, shape, 2);
            DLTensor t = FlatTensor.Dense(targets, ElementType.F32, shape, 2);
            DLTensor d = FlatTensor.Dense(destination, ElementType.F32, shape, 1);
            Run(scope, context, &x, &t, &d);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    private static void Run(CallScope scope, nint context, DLTensor* logits, DLTensor* targets, DLTensor* destination)
    {
        UqContext uq = ContextHandle.Get(context);
        TensorView x = TensorView.Input(logits, nameof(logits), 2, "[N, C]", ElementType.Real);
        TensorView t = TensorView.Input(targets, nameof(targets), 2, "[N, C]", ElementType.Real);
        if (t.Type != x.Type)
        {
            throw new UnsupportedDtypeException("targets must have the dtype of logits.", nameof(targets));
        }

        if (t.Length(0) != x.Length(0) || t.Length(1) != x.Length(1))
        {
            throw new ArgumentException(
                $"targets is [{t.Length(0)}, {t.Length(1)}] but logits is [{x.Length(0)}, {x.Length(1)}].", nameof(targets));
        }

        TensorView d = TensorView.Output(destination, nameof(destination), x.Type, x.Length(0));
        if (!d.IsPresent)
        {
            throw new ArgumentNullException(nameof(destination), "destination is NULL.");
        }

        if (x.Type == ElementType.F32)
        {
            Run<float>(scope, uq, x, t, d);
        }
        else
        {
            Run<double>(scope, uq, x, t, d);
        }

        scope.Commit();
    }

    private static void Run<T>(CallScope scope, UqContext uq, scoped in TensorView x, scoped in TensorView t, scoped in TensorView d)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> logits;
        ReadOnlySpan<T> targets;
        MatrixShape shape;
        if (CallScope.SameRowLayout(x, t))
        {
            logits = scope.Rows<T>(x, out shape);
            targets = scope.Rows<T>(t, out _);
        }
        else
        {
            shape = new MatrixShape(x.Length(0), x.Length(1));
            logits = scope.Input<T>(x);
            targets = scope.Input<T>(t);
        }

        Span<T> destination = scope.Output<T>(d);
        if (typeof(T) == typeof(float))
        {
            uq.SoftTargetCrossEntropy(
                MemoryMarshal.Cast<T, float>(logits), MemoryMarshal.Cast<T, float>(targets), shape, MemoryMarshal.Cast<T, float>(destination));
        }
        else
        {
            uq.SoftTargetCrossEntropy(
                MemoryMarshal.Cast<T, double>(logits), MemoryMarshal.Cast<T, double>(targets), shape, MemoryMarshal.Cast<T, double>(destination));
        }
    }
}
