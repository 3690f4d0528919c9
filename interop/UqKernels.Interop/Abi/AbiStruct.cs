using System.Runtime.CompilerServices;

namespace UqKernels.Interop;

/// <summary>
/// Size-prefixed ABI structs (options, outputs, results): each starts with <c>uint32_t struct_size</c>. Fields past
/// the caller's struct_size keep their defaults when reading and are not written when writing, so structs can grow
/// without breaking callers compiled against an older header.
/// </summary>
internal static unsafe class AbiStruct
{
    /// <summary>Reads an options struct; NULL gives <paramref name="defaults"/>.</summary>
    public static T ReadOptions<T>(T* source, T defaults, string name)
        where T : unmanaged
    {
        if (source == null)
        {
            return defaults;
        }

        CopyPrefix((byte*)source, (byte*)&defaults, PrefixLength<T>(*(uint*)source, name));
        return defaults;
    }

    /// <summary>Reads a required outputs struct; fields past struct_size are not requested (NULL).</summary>
    public static T ReadRequired<T>(T* source, string name)
        where T : unmanaged
    {
        if (source == null)
        {
            throw new ArgumentNullException(name, $"{name} is NULL; pass a struct with at least one output tensor.");
        }

        T value = default;
        CopyPrefix((byte*)source, (byte*)&value, PrefixLength<T>(*(uint*)source, name));
        return value;
    }

    /// <summary>Checks that a result struct can be written (non-NULL, sane struct_size) before any work is done.</summary>
    public static void CheckWritable<T>(T* destination, string name)
        where T : unmanaged
    {
        if (destination == null)
        {
            throw new ArgumentNullException(name, $"{name} is NULL.");
        }

        _ = PrefixLength<T>(*(uint*)destination, name);
    }

    /// <summary>Writes <paramref name="value"/> into a result struct, leaving its struct_size as the caller set it.</summary>
    public static void Write<T>(T* destination, T value, string name)
        where T : unmanaged
    {
        CheckWritable(destination, name);
        CopyPrefix((byte*)&value, (byte*)destination, PrefixLength<T>(*(uint*)destination, name));
    }

    private static int PrefixLength<T>(uint structSize, string name)
        where T : unmanaged
    {
        if (structSize < sizeof(uint))
        {
            throw new ArgumentException(
                $"{name}->struct_size is {structSize}; set it to sizeof the struct (the *_INIT macros do).", name);
        }

        return (int)Math.Min(structSize, (uint)sizeof(T));
    }

    /// <summary>Copies bytes [4, length): the size field itself is never copied.</summary>
    private static void CopyPrefix(byte* source, byte* destination, int length) =>
        Unsafe.CopyBlockUnaligned(destination + sizeof(uint), source + sizeof(uint), (uint)(length - sizeof(uint)));
}
