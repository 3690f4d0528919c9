using System.Collections.ObjectModel;
using ILGPU;
using ILGPU.Runtime;

namespace UqKernels;

/// <summary>
/// A dense, row-major tensor resident on a context's device, so chained kernels need not round-trip to the host.
/// On the managed SIMD backend it is host memory; on ILGPU backends it is an accelerator buffer.
/// </summary>
/// <typeparam name="T">The element type (f32, f64, <see cref="System.Half"/>, <see cref="BFloat16"/>, int32, …).</typeparam>
public sealed class DeviceTensor<T> : IDisposable
    where T : unmanaged
{
    private readonly T[]? _host;
    private readonly MemoryBuffer1D<T, Stride1D.Dense>? _buffer;

    internal DeviceTensor(UqContext context, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(shape);
        long length = 1;
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (shape[axis] < 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(shape), $"Dimension {axis} of the shape is {shape[axis]}; dimensions must be non-negative.");
            }

            length = checked(length * shape[axis]);
        }

        Context = context;
        Shape = Array.AsReadOnly((int[])shape.Clone());
        Length = length;
        if (context.Ilgpu is { } device)
        {
            _buffer = device.Accelerator.Allocate1D<T>(Math.Max(1, length));
        }
        else
        {
            _host = new T[length];
        }
    }

    /// <summary>The context (device) that owns this tensor.</summary>
    public UqContext Context { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlyCollection<int> Shape { get; }

    /// <summary>The number of elements.</summary>
    public long Length { get; }

    /// <summary>The device view (ILGPU backends only).</summary>
    internal ArrayView<T> View => _buffer!.View.SubView(0, Length);

    /// <summary>The host memory (managed SIMD backend only).</summary>
    internal Span<T> HostSpan => _host;

    /// <summary>Copies <paramref name="source"/> (exactly <see cref="Length"/> elements) into the tensor.</summary>
    public void CopyFrom(ReadOnlySpan<T> source)
    {
        if (source.Length != Length)
        {
            throw new ArgumentException(
                $"The source has {source.Length} elements but the tensor holds {Length}.", nameof(source));
        }

        if (_host is not null)
        {
            source.CopyTo(_host);
        }
        else
        {
            View.CopyFromCPU(Context.Ilgpu!.Stream, source);
        }
    }

    /// <summary>Copies the tensor into <paramref name="destination"/> (at least <see cref="Length"/> elements).</summary>
    public void CopyTo(Span<T> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException(
                $"The destination has {destination.Length} elements but the tensor holds {Length}.", nameof(destination));
        }

        if (_host is not null)
        {
            _host.CopyTo(destination);
        }
        else
        {
            View.CopyToCPU(Context.Ilgpu!.Stream, destination[..(int)Length]);
            Context.Ilgpu!.Stream.Synchronize();
        }
    }

    /// <summary>The tensor's elements, copied to a new host array.</summary>
    public T[] ToArray()
    {
        var result = new T[Length];
        CopyTo(result);
        return result;
    }

    /// <inheritdoc/>
    public void Dispose() => _buffer?.Dispose();
}
