using System.Buffers;
using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary>
/// Per-call marshalling of validated tensors into the spans the managed API takes: contiguous tensors are used in
/// place (zero-copy); strided inputs are gathered into pooled buffers, strided outputs are computed into pooled
/// buffers and scattered back by <see cref="Commit"/> only after the operation succeeded (so a failed call writes
/// nothing). One reusable instance per thread; every export enters it once.
/// </summary>
internal sealed unsafe class CallScope : IDisposable
{
    [ThreadStatic]
    private static CallScope? t_scope;

    private readonly List<byte[]> _rented = [];
    private readonly List<(TensorView View, byte[] Buffer)> _pendingOutputs = [];
    private bool _active;

    /// <summary>The calling thread's scope, emptied when disposed.</summary>
    public static CallScope Enter()
    {
        CallScope scope = t_scope ??= new CallScope();
        if (scope._active)
        {
            throw new InvalidOperationException("A uq_ function was re-entered on the same thread.");
        }

        scope._active = true;
        return scope;
    }

    /// <summary>A dense span over an input of element type <typeparamref name="T"/> (same size as the view's).</summary>
    public ReadOnlySpan<T> Input<T>(scoped in TensorView view)
        where T : unmanaged
    {
        if (!view.IsPresent)
        {
            return default;
        }

        if (view.IsContiguous)
        {
            return new ReadOnlySpan<T>(view.Data, (int)view.Count);
        }

        Span<byte> buffer = Rent(view.Count * view.ItemSize, out _);
        fixed (byte* dense = buffer)
        {
            StridedCopy.Gather(view, dense);
        }

        return MemoryMarshal.Cast<byte, T>(buffer);
    }

    /// <summary>A dense span to write an output into; empty when the output was not requested.</summary>
    public Span<T> Output<T>(scoped in TensorView view)
        where T : unmanaged
    {
        if (!view.IsPresent)
        {
            return default;
        }

        if (view.IsContiguous)
        {
            return new Span<T>(view.Data, (int)view.Count);
        }

        Span<byte> buffer = Rent(view.Count * view.ItemSize, out byte[] array);
        _pendingOutputs.Add((view, array));
        return MemoryMarshal.Cast<byte, T>(buffer);
    }

    /// <summary>
    /// Rows of the last axis as a <see cref="MatrixShape"/>: when the leading axes collapse to one uniform row stride
    /// and the last axis is unit-stride, the caller's memory is used in place (the managed API's row stride); otherwise
    /// the tensor is gathered densely.
    /// </summary>
    public ReadOnlySpan<T> Rows<T>(scoped in TensorView view, out MatrixShape shape)
        where T : unmanaged
    {
        int columns = view.Length(view.Rank - 1);
        int rows = (int)(view.Count / columns);
        if (UniformRowStride(view) is long rowStride)
        {
            long required = ((rows - 1) * rowStride) + columns;
            if (required <= Array.MaxLength)
            {
                shape = new MatrixShape(rows, columns, rowStride);
                return new ReadOnlySpan<T>(view.Data, (int)required);
            }
        }

        shape = new MatrixShape(rows, columns);
        return Input<T>(view);
    }

    /// <summary>True when both views are rows with the same uniform row stride (so one <see cref="MatrixShape"/> fits both).</summary>
    public static bool SameRowLayout(scoped in TensorView a, scoped in TensorView b) =>
        UniformRowStride(a) is long sa && UniformRowStride(b) is long sb && sa == sb;

    /// <summary>Integer input (int32 or int64) as int32; int64 values outside the int32 range are rejected.</summary>
    public ReadOnlySpan<int> Int32s(scoped in TensorView view)
    {
        if (!view.IsPresent || view.Type == ElementType.I32)
        {
            return Input<int>(view);
        }

        ReadOnlySpan<long> wide = Input<long>(view);
        Span<int> narrow = MemoryMarshal.Cast<byte, int>(Rent(wide.Length * sizeof(int), out _));
        for (int i = 0; i < wide.Length; i++)
        {
            if (wide[i] is < int.MinValue or > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(view.Name, $"{view.Name}[{i}] = {wide[i]} does not fit in int32.");
            }

            narrow[i] = (int)wide[i];
        }

        return narrow;
    }

    /// <summary>0/1 labels of any accepted integer or bool type as bytes; other values are rejected.</summary>
    public ReadOnlySpan<byte> BinaryLabels(scoped in TensorView view)
    {
        if (view.Type is ElementType.U8 or ElementType.Bool)
        {
            return Input<byte>(view);
        }

        Span<byte> result = Rent(view.Count, out _);
        if (view.Type == ElementType.I8)
        {
            ReadOnlySpan<sbyte> values = Input<sbyte>(view);
            for (int i = 0; i < values.Length; i++)
            {
                result[i] = Binary(values[i], view.Name, i);
            }
        }
        else
        {
            ReadOnlySpan<int> values = Int32s(view);
            for (int i = 0; i < values.Length; i++)
            {
                result[i] = Binary(values[i], view.Name, i);
            }
        }

        return result;
    }

    /// <summary>A float64 input; float32 is widened (exactly).</summary>
    public ReadOnlySpan<double> Doubles(scoped in TensorView view)
    {
        if (view.Type == ElementType.F64)
        {
            return Input<double>(view);
        }

        ReadOnlySpan<float> values = Input<float>(view);
        Span<double> result = MemoryMarshal.Cast<byte, double>(Rent(values.Length * sizeof(double), out _));
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }

    /// <summary>Scatters the strided outputs; call once, after the operation succeeded.</summary>
    public void Commit()
    {
        foreach ((TensorView view, byte[] buffer) in _pendingOutputs)
        {
            fixed (byte* dense = buffer)
            {
                StridedCopy.Scatter(view, dense);
            }
        }

        _pendingOutputs.Clear();
    }

    /// <summary>Returns the pooled buffers and frees the scope for the next call.</summary>
    public void Dispose()
    {
        foreach (byte[] buffer in _rented)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _rented.Clear();
        _pendingOutputs.Clear();
        _active = false;
    }

    private static byte Binary(int value, string name, int index) => value switch
    {
        0 => 0,
        1 => 1,
        _ => throw new ArgumentOutOfRangeException(name, $"{name}[{index}] = {value}; labels must be 0 or 1."),
    };

    /// <summary>The row stride when all axes but the last collapse to uniformly strided rows of a unit-stride last axis.</summary>
    private static long? UniformRowStride(scoped in TensorView view)
    {
        int last = view.Rank - 1;
        int columns = view.Length(last);
        if (columns > 1 && view.Stride(last) != 1)
        {
            return null;
        }

        long rowStride = -1;
        long below = 1;
        for (int axis = last - 1; axis >= 0; axis--)
        {
            long length = view.Length(axis);
            if (length > 1)
            {
                long stride = view.Stride(axis);
                if (rowStride < 0)
                {
                    if (stride % below != 0)
                    {
                        return null;
                    }

                    rowStride = stride / below;
                }
                else if (stride != rowStride * below)
                {
                    return null;
                }
            }

            below *= length;
        }

        if (rowStride < 0)
        {
            rowStride = columns;
        }

        return rowStride >= columns ? rowStride : null;
    }

    private Span<byte> Rent(long bytes, out byte[] array)
    {
        if (bytes > Array.MaxLength)
        {
            throw new InsufficientMemoryException(
                $"A temporary copy of {bytes} bytes is needed (strided or converted input) but at most {Array.MaxLength} fit.");
        }

        array = ArrayPool<byte>.Shared.Rent((int)Math.Max(bytes, 1));
        _rented.Add(array);
        return array.AsSpan(0, (int)bytes);
    }
}
