using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace UqKernels.IO;

/// <summary>Element types a <c>.npy</c> file may hold here.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The members name NumPy dtypes.")]
public enum NpyDType
{
    /// <summary><c>&lt;f4</c>.</summary>
    Float32,

    /// <summary><c>&lt;f8</c>.</summary>
    Float64,

    /// <summary><c>&lt;f2</c>.</summary>
    Float16,

    /// <summary><c>&lt;u2</c>: raw 16-bit patterns (bfloat16 logits are stored this way).</summary>
    UInt16,

    /// <summary><c>&lt;i4</c>.</summary>
    Int32,

    /// <summary><c>&lt;i8</c>.</summary>
    Int64,

    /// <summary><c>|u1</c>.</summary>
    UInt8,

    /// <summary><c>|b1</c>.</summary>
    Bool,
}

/// <summary>
/// A C-order array read from or written to NumPy's <c>.npy</c> format (versions 1–3, little-endian). Fortran order,
/// big-endian and object arrays are rejected with a message that says so.
/// </summary>
public sealed partial class NpyArray
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyArray(NpyDType dtype, int[] shape, byte[] data)
    {
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    /// <summary>The element type.</summary>
    public NpyDType DType { get; }

    /// <summary>The dimensions (empty for a scalar).</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The number of elements.</summary>
    public long Length => Shape.Aggregate(1L, (product, dimension) => product * dimension);

    /// <summary>The raw little-endian element bytes.</summary>
    public byte[] Data { get; }

    /// <summary>Wraps elements and a shape as an array to write.</summary>
    public static NpyArray Create<T>(ReadOnlySpan<T> values, params int[] shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(shape);
        NpyDType dtype = DTypeOf<T>();
        long length = shape.Aggregate(1L, (product, dimension) => product * dimension);
        if (length != values.Length)
        {
            throw new ArgumentException(
                $"Shape ({string.Join(", ", shape)}) holds {length} elements but {values.Length} were given.", nameof(values));
        }

        return new NpyArray(dtype, (int[])shape.Clone(), MemoryMarshal.AsBytes(values).ToArray());
    }

    /// <summary>Reads a <c>.npy</c> file.</summary>
    /// <exception cref="InvalidDataException">The file is not a supported <c>.npy</c> array; the message says why.</exception>
    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path}: not a .npy file (missing the \\x93NUMPY magic).");
        }

        int major = bytes[6];
        int headerLength;
        int offset;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            offset = 10;
        }
        else if (major is 2 or 3)
        {
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
            offset = 12;
        }
        else
        {
            throw new InvalidDataException($"{path}: unsupported .npy format version {major}.");
        }

        string header = Encoding.UTF8.GetString(bytes, offset, headerLength);
        string descr = HeaderField(DescrPattern(), header, path, "descr");
        if (HeaderField(FortranPattern(), header, path, "fortran_order") == "True")
        {
            throw new InvalidDataException($"{path}: Fortran-order arrays are not supported; save with np.ascontiguousarray.");
        }

        int[] shape = HeaderField(ShapePattern(), header, path, "shape")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.Parse(d, CultureInfo.InvariantCulture))
            .ToArray();
        NpyDType dtype = ParseDescr(descr, path);
        long length = shape.Aggregate(1L, (product, dimension) => product * dimension);
        int dataOffset = offset + headerLength;
        long expected = length * ElementSize(dtype);
        if (bytes.Length - dataOffset != expected)
        {
            throw new InvalidDataException(
                $"{path}: shape ({string.Join(", ", shape)}) of {descr} needs {expected} data bytes, found {bytes.Length - dataOffset}.");
        }

        return new NpyArray(dtype, shape, bytes[dataOffset..]);
    }

    /// <summary>Writes the array as a version-1 <c>.npy</c> file.</summary>
    public void Write(string path)
    {
        string shapeText = Shape.Count == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";
        string header = $"{{'descr': '{Descr(DType)}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int total = Magic.Length + 4 + header.Length + 1;
        int padding = (64 - (total % 64)) % 64;
        header = header + new string(' ', padding) + "\n";
        using FileStream stream = File.Create(path);
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> lengthBytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(lengthBytes, (ushort)header.Length);
        stream.Write(lengthBytes);
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(Data);
    }

    /// <summary>The elements as <typeparamref name="T"/>; the file's dtype must be exactly that type.</summary>
    public T[] As<T>()
        where T : unmanaged
    {
        NpyDType wanted = DTypeOf<T>();
        if (wanted != DType)
        {
            throw new InvalidDataException($"The array holds {DType}, not {wanted}.");
        }

        return MemoryMarshal.Cast<byte, T>(Data).ToArray();
    }

    /// <summary>
    /// The raw elements reinterpreted as <typeparamref name="T"/> of the same size: f16 logits stored as <c>uint16</c>
    /// bit patterns read as <see cref="Half"/>, bfloat16 bits as <see cref="BFloat16"/>.
    /// </summary>
    public T[] Reinterpret<T>()
        where T : unmanaged
    {
        if (System.Runtime.CompilerServices.Unsafe.SizeOf<T>() != ElementSize(DType))
        {
            throw new InvalidDataException($"The array holds {DType}, which cannot be reinterpreted as {typeof(T).Name}.");
        }

        return MemoryMarshal.Cast<byte, T>(Data).ToArray();
    }

    /// <summary>The elements as int32 (from int8/bool/int32/int64; int64 values must fit).</summary>
    public int[] ToInt32(string argumentName)
    {
        switch (DType)
        {
            case NpyDType.Int32:
                return As<int>();
            case NpyDType.Int64:
                long[] wide = As<long>();
                var narrow = new int[wide.Length];
                for (int i = 0; i < wide.Length; i++)
                {
                    if (wide[i] is < int.MinValue or > int.MaxValue)
                    {
                        throw new ArgumentOutOfRangeException(
                            argumentName, $"{argumentName}[{i}] = {wide[i]} does not fit in int32.");
                    }

                    narrow[i] = (int)wide[i];
                }

                return narrow;
            case NpyDType.UInt8:
            case NpyDType.Bool:
                return Data.Select(b => (int)b).ToArray();
            default:
                throw new ArgumentException($"{argumentName} must be an integer array (int32/int64/uint8/bool), not {DType}.", argumentName);
        }
    }

    /// <summary>The elements converted to f64 (from any floating or integer dtype; f16 exactly, u2 as bfloat16 bits).</summary>
    public double[] ToFloat64() => DType switch
    {
        NpyDType.Float64 => As<double>(),
        NpyDType.Float32 => As<float>().Select(v => (double)v).ToArray(),
        NpyDType.Float16 => As<Half>().Select(v => (double)v).ToArray(),
        NpyDType.UInt16 => As<BFloat16>().Select(v => (double)v.ToSingle()).ToArray(),
        NpyDType.Int32 => As<int>().Select(v => (double)v).ToArray(),
        NpyDType.Int64 => As<long>().Select(v => (double)v).ToArray(),
        _ => Data.Select(b => (double)b).ToArray(),
    };

    internal static NpyDType DTypeOf<T>()
        where T : unmanaged => typeof(T) switch
    {
        Type t when t == typeof(float) => NpyDType.Float32,
        Type t when t == typeof(double) => NpyDType.Float64,
        Type t when t == typeof(Half) => NpyDType.Float16,
        Type t when t == typeof(BFloat16) || t == typeof(ushort) => NpyDType.UInt16,
        Type t when t == typeof(int) => NpyDType.Int32,
        Type t when t == typeof(long) => NpyDType.Int64,
        Type t when t == typeof(byte) => NpyDType.UInt8,
        Type t when t == typeof(bool) => NpyDType.Bool,
        _ => throw new NotSupportedException($"{typeof(T)} has no .npy dtype here."),
    };

    private static int ElementSize(NpyDType dtype) => dtype switch
    {
        NpyDType.Float64 or NpyDType.Int64 => 8,
        NpyDType.Float32 or NpyDType.Int32 => 4,
        NpyDType.Float16 or NpyDType.UInt16 => 2,
        _ => 1,
    };

    private static string Descr(NpyDType dtype) => dtype switch
    {
        NpyDType.Float32 => "<f4",
        NpyDType.Float64 => "<f8",
        NpyDType.Float16 => "<f2",
        NpyDType.UInt16 => "<u2",
        NpyDType.Int32 => "<i4",
        NpyDType.Int64 => "<i8",
        NpyDType.UInt8 => "|u1",
        _ => "|b1",
    };

    private static NpyDType ParseDescr(string descr, string path) => descr switch
    {
        "<f4" => NpyDType.Float32,
        "<f8" => NpyDType.Float64,
        "<f2" => NpyDType.Float16,
        "<u2" => NpyDType.UInt16,
        "<i4" => NpyDType.Int32,
        "<i8" => NpyDType.Int64,
        "|u1" => NpyDType.UInt8,
        "|b1" => NpyDType.Bool,
        _ => throw new InvalidDataException(
            $"{path}: dtype '{descr}' is not supported (expected little-endian f4, f8, f2, u2, i4, i8, u1 or bool)."),
    };

    private static string HeaderField(Regex pattern, string header, string path, string field)
    {
        Match match = pattern.Match(header);
        return match.Success
            ? match.Groups[1].Value
            : throw new InvalidDataException($"{path}: the .npy header has no '{field}' field.");
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
