namespace UqKernels.Interop;

/// <summary>The element types the ABI accepts, as flags so a parameter can list its accepted set.</summary>
[Flags]
internal enum ElementType
{
    None = 0,
    F16 = 1 << 0,
    BF16 = 1 << 1,
    F32 = 1 << 2,
    F64 = 1 << 3,
    Bool = 1 << 4,
    U8 = 1 << 5,
    I8 = 1 << 6,
    I32 = 1 << 7,
    I64 = 1 << 8,

    /// <summary>Logits: f16, bf16, f32, f64.</summary>
    Logits = F16 | BF16 | F32 | F64,

    /// <summary>f32 or f64.</summary>
    Real = F32 | F64,

    /// <summary>Labels, ids and offsets: int32 or int64.</summary>
    Index = I32 | I64,

    /// <summary>0/1 labels: bool, uint8, int8, int32, int64.</summary>
    Binary = Bool | U8 | I8 | I32 | I64,
}

/// <summary>DLPack dtype ↔ <see cref="ElementType"/>.</summary>
internal static class ElementTypes
{
    public static ElementType FromDLPack(DLDataType dtype) => dtype.Lanes != 1 ? ElementType.None : (dtype.Code, dtype.Bits) switch
    {
        (DLDataType.Float, 16) => ElementType.F16,
        (DLDataType.Bfloat, 16) => ElementType.BF16,
        (DLDataType.Float, 32) => ElementType.F32,
        (DLDataType.Float, 64) => ElementType.F64,
        (DLDataType.Bool, 8) => ElementType.Bool,
        (DLDataType.UInt, 8) => ElementType.U8,
        (DLDataType.Int, 8) => ElementType.I8,
        (DLDataType.Int, 32) => ElementType.I32,
        (DLDataType.Int, 64) => ElementType.I64,
        _ => ElementType.None,
    };

    public static int Size(ElementType type) => type switch
    {
        ElementType.F16 or ElementType.BF16 => 2,
        ElementType.F32 or ElementType.I32 => 4,
        ElementType.F64 or ElementType.I64 => 8,
        _ => 1,
    };

    /// <summary>The element type of a compute type (<see cref="float"/>, <see cref="double"/>, <see cref="int"/>, <see cref="long"/>).</summary>
    public static ElementType Of<T>()
        where T : unmanaged =>
        typeof(T) == typeof(float) ? ElementType.F32
        : typeof(T) == typeof(double) ? ElementType.F64
        : typeof(T) == typeof(int) ? ElementType.I32
        : typeof(T) == typeof(long) ? ElementType.I64
        : throw new NotSupportedException($"No ABI element type for {typeof(T)}.");

    /// <summary>"float32 or float64" style list of a set.</summary>
    public static string Describe(ElementType set)
    {
        var names = new List<string>();
        for (int bit = 0; bit <= 8; bit++)
        {
            var single = (ElementType)(1 << bit);
            if ((set & single) != 0)
            {
                names.Add(Name(single));
            }
        }

        return string.Join(", ", names);
    }

    public static string Describe(DLDataType dtype) =>
        $"{{code {dtype.Code}, bits {dtype.Bits}, lanes {dtype.Lanes}}}" + (FromDLPack(dtype) is var t and not ElementType.None ? $" ({Name(t)})" : string.Empty);

    private static string Name(ElementType single) => single switch
    {
        ElementType.F16 => "float16",
        ElementType.BF16 => "bfloat16",
        ElementType.F32 => "float32",
        ElementType.F64 => "float64",
        ElementType.Bool => "bool",
        ElementType.U8 => "uint8",
        ElementType.I8 => "int8",
        ElementType.I32 => "int32",
        _ => "int64",
    };
}
