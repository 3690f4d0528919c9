using System.Runtime.CompilerServices;

namespace UqKernels.Interop;

/// <summary>Up to <see cref="TensorView.MaxRank"/> extents or strides.</summary>
[InlineArray(TensorView.MaxRank)]
internal struct Dims
{
    private long _element;
}

/// <summary>
/// A fully validated, borrowed tensor: the one place where a <c>DLTensor*</c> (or a flat pointer + sizes) becomes
/// trusted data. Checks: non-NULL tensor and data, kDLCPU device, rank, dtype (lanes 1, in the accepted set), every
/// extent ≥ 1, strides ≥ 0 (and no zero stride on a written axis longer than 1), no int64 overflow in the element count,
/// the addressed extent or the byte range, and at most 2³¹ − 1 elements (the managed span limit).
/// </summary>
internal readonly unsafe struct TensorView
{
    /// <summary>The highest rank any ABI function takes.</summary>
    public const int MaxRank = 4;

    private readonly Dims _shape;
    private readonly Dims _strides;

    private TensorView(string name, byte* data, ElementType type, ReadOnlySpan<long> shape, long* strides, ulong byteOffset, bool output)
    {
        Name = name;
        Type = type;
        Rank = shape.Length;
        int itemSize = ElementTypes.Size(type);
        try
        {
            long count = 1;
            for (int axis = 0; axis < Rank; axis++)
            {
                if (shape[axis] < 1)
                {
                    throw new ArgumentException(
                        $"{name}.shape[{axis}] is {shape[axis]}; every extent must be at least 1.", name);
                }

                _shape[axis] = shape[axis];
                count = checked(count * shape[axis]);
            }

            long stride = 1;
            long maxOffset = 0;
            bool contiguous = true;
            for (int axis = Rank - 1; axis >= 0; axis--)
            {
                long given = strides == null ? stride : strides[axis];
                if (given < 0)
                {
                    throw new ArgumentException(
                        $"{name}.strides[{axis}] is {given}; negative strides are not supported.", name);
                }

                if (output && given == 0 && shape[axis] > 1)
                {
                    throw new ArgumentException(
                        $"{name}.strides[{axis}] is 0; an output must not write two elements to one address.", name);
                }

                _strides[axis] = given;
                contiguous &= given == stride || shape[axis] == 1;
                maxOffset = checked(maxOffset + ((shape[axis] - 1) * given));
                stride = checked(stride * shape[axis]);
            }

            if (count > Array.MaxLength)
            {
                throw new ArgumentException(
                    $"{name} has {count} elements; at most {Array.MaxLength} are supported per tensor.", name);
            }

            ulong bytes = checked((ulong)(maxOffset + 1) * (ulong)itemSize);
            _ = checked((ulong)data + byteOffset + bytes);
            Count = count;
            IsContiguous = contiguous;
            Data = data + byteOffset;
        }
        catch (OverflowException)
        {
            throw new ArgumentException(
                $"{name}: the element count or the addressed byte range overflows 64 bits (shape or strides too large).",
                name);
        }
    }

    /// <summary>The argument name used in messages (<c>logits</c>, <c>outputs-&gt;entropy</c>, …).</summary>
    public string Name { get; }

    /// <summary>Address of element 0 (<c>data + byte_offset</c>).</summary>
    public byte* Data { get; }

    public ElementType Type { get; }

    public int Rank { get; }

    /// <summary>Number of elements (≥ 1, ≤ <see cref="Array.MaxLength"/>).</summary>
    public long Count { get; }

    /// <summary>True when the strides are compact row-major (dense, zero-copy).</summary>
    public bool IsContiguous { get; }

    /// <summary>True for a real tensor; false for <c>default</c> (an optional argument that was NULL).</summary>
    public bool IsPresent => Name is not null;

    public int ItemSize => ElementTypes.Size(Type);

    /// <summary>The extent of <paramref name="axis"/> (fits in int: the count does).</summary>
    public int Length(int axis) => (int)_shape[axis];

    /// <summary>The stride of <paramref name="axis"/>, in elements.</summary>
    public long Stride(int axis) => _strides[axis];

    /// <summary>Validates an input tensor of rank <paramref name="rank"/> and one of the <paramref name="accepted"/> types.</summary>
    public static TensorView Input(DLTensor* tensor, string name, int rank, string layout, ElementType accepted) =>
        FromDLTensor(tensor, name, rank, layout, accepted, output: false);

    /// <summary>An optional input: NULL gives <c>default</c> (<see cref="IsPresent"/> false).</summary>
    public static TensorView OptionalInput(DLTensor* tensor, string name, int rank, string layout, ElementType accepted) =>
        tensor == null ? default : FromDLTensor(tensor, name, rank, layout, accepted, output: false);

    /// <summary>
    /// An optional output of exactly <paramref name="type"/> and <paramref name="shape"/>; NULL gives <c>default</c>
    /// (not requested).
    /// </summary>
    public static TensorView Output(DLTensor* tensor, string name, ElementType type, params ReadOnlySpan<long> shape)
    {
        if (tensor == null)
        {
            return default;
        }

        TensorView view = FromDLTensor(tensor, name, shape.Length, Layout(shape), type, output: true);
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (view._shape[axis] != shape[axis])
            {
                throw new ArgumentException(
                    $"{name} has shape {Layout(view._shape[..view.Rank])}; expected {Layout(shape)}.", name);
            }
        }

        return view;
    }

    /// <summary>A dense row-major tensor from a flat pointer (the <c>uq_…_f32</c> convenience functions).</summary>
    public static TensorView Dense(void* data, ElementType type, string name, bool output, params ReadOnlySpan<long> shape)
    {
        if (data == null)
        {
            throw new ArgumentNullException(name, $"{name} is NULL.");
        }

        return new TensorView(name, (byte*)data, type, shape, null, 0, output);
    }

    private static TensorView FromDLTensor(DLTensor* tensor, string name, int rank, string layout, ElementType accepted, bool output)
    {
        if (tensor == null)
        {
            throw new ArgumentNullException(name, $"{name} is NULL; expected a DLTensor {layout}.");
        }

        DLTensor t = *tensor;
        if (t.Device.DeviceType != DLDevice.Cpu)
        {
            string why = t.Device.DeviceType == DLDevice.Cuda
                ? "kDLCUDA device memory is not supported in ABI v1 (ILGPU 1.5 cannot wrap a foreign CUDA pointer); copy the tensor to host memory first"
                : "only kDLCPU (host) memory is supported in ABI v1";
            throw new ArgumentException($"{name} is on DLPack device type {t.Device.DeviceType}: {why}.", name);
        }

        if (t.Ndim != rank)
        {
            throw new ArgumentException($"{name} has ndim {t.Ndim}; expected {rank}-D {layout}.", name);
        }

        ElementType type = ElementTypes.FromDLPack(t.DType);
        if ((type & accepted) == 0)
        {
            throw new UnsupportedDtypeException(
                $"{name} has dtype {ElementTypes.Describe(t.DType)}; accepted: {ElementTypes.Describe(accepted)} (lanes 1).",
                name);
        }

        if (t.Shape == null)
        {
            throw new ArgumentNullException(name, $"{name}.shape is NULL.");
        }

        if (t.Data == null)
        {
            throw new ArgumentNullException(name, $"{name}.data is NULL.");
        }

        return new TensorView(name, (byte*)t.Data, type, new ReadOnlySpan<long>(t.Shape, rank), t.Strides, t.ByteOffset, output);
    }

    private static string Layout(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
