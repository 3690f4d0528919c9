namespace UqKernels.Interop;

/// <summary>
/// The flat convenience functions (<c>uq_…_f32(const float*, int64_t n, …)</c>) describe their pointers as dense
/// DLTensors on the stack and go through the same validation and marshalling as the DLTensor functions.
/// </summary>
internal static unsafe class FlatTensor
{
    /// <summary>A dense kDLCPU tensor over <paramref name="data"/>; <paramref name="shape"/> must outlive its use.</summary>
    public static DLTensor Dense(void* data, ElementType type, long* shape, int rank) => new()
    {
        Data = data,
        Device = new DLDevice { DeviceType = DLDevice.Cpu },
        Ndim = rank,
        DType = type switch
        {
            ElementType.F32 => new DLDataType { Code = DLDataType.Float, Bits = 32, Lanes = 1 },
            ElementType.F64 => new DLDataType { Code = DLDataType.Float, Bits = 64, Lanes = 1 },
            ElementType.U8 => new DLDataType { Code = DLDataType.UInt, Bits = 8, Lanes = 1 },
            ElementType.I32 => new DLDataType { Code = DLDataType.Int, Bits = 32, Lanes = 1 },
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No flat tensor of this type."),
        },
        Shape = shape,
    };

    /// <summary>A required scalar result pointer.</summary>
    public static void RequireResult(void* pointer, string name)
    {
        if (pointer == null)
        {
            throw new ArgumentNullException(name, $"{name} is NULL.");
        }
    }
}
