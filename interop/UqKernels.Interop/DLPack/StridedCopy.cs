namespace UqKernels.Interop;

/// <summary>Copies between a strided tensor and a dense row-major buffer (gather for inputs, scatter for outputs).</summary>
internal static unsafe class StridedCopy
{
    /// <summary>Strided <paramref name="view"/> → dense <paramref name="dense"/> (<c>Count·ItemSize</c> bytes).</summary>
    public static void Gather(in TensorView view, byte* dense) => Copy(view, dense, toDense: true);

    /// <summary>Dense <paramref name="dense"/> → strided <paramref name="view"/>.</summary>
    public static void Scatter(in TensorView view, byte* dense) => Copy(view, dense, toDense: false);

    private static void Copy(in TensorView view, byte* dense, bool toDense)
    {
        int rank = view.Rank;
        int size = view.ItemSize;
        int inner = view.Length(rank - 1);
        long innerStride = view.Stride(rank - 1) * size;
        long rows = view.Count / inner;
        Span<int> index = stackalloc int[TensorView.MaxRank];
        for (long row = 0; row < rows; row++)
        {
            long offset = 0;
            for (int axis = 0; axis < rank - 1; axis++)
            {
                offset += index[axis] * view.Stride(axis);
            }

            byte* strided = view.Data + (offset * size);
            if (toDense)
            {
                Row(strided, innerStride, dense, size, inner);
            }
            else
            {
                Row(dense, size, strided, innerStride, inner);
            }

            dense += (long)inner * size;
            for (int axis = rank - 2; axis >= 0; axis--)
            {
                if (++index[axis] < view.Length(axis))
                {
                    break;
                }

                index[axis] = 0;
            }
        }
    }

    /// <summary>Copies <paramref name="count"/> elements of <paramref name="size"/> bytes between two byte strides.</summary>
    private static void Row(byte* source, long sourceStride, byte* destination, long destinationStride, int count, int size)
    {
        switch (size)
        {
            case 8:
                for (int i = 0; i < count; i++, source += sourceStride, destination += destinationStride)
                {
                    *(ulong*)destination = *(ulong*)source;
                }

                break;
            case 4:
                for (int i = 0; i < count; i++, source += sourceStride, destination += destinationStride)
                {
                    *(uint*)destination = *(uint*)source;
                }

                break;
            case 2:
                for (int i = 0; i < count; i++, source += sourceStride, destination += destinationStride)
                {
                    *(ushort*)destination = *(ushort*)source;
                }

                break;
            default:
                for (int i = 0; i < count; i++, source += sourceStride, destination += destinationStride)
                {
                    *destination = *source;
                }

                break;
        }
    }

    private static void Row(byte* source, long sourceStride, byte* destination, int size, int count) =>
        Row(source, sourceStride, destination, size, count, size);

    private static void Row(byte* source, int size, byte* destination, long destinationStride, int count) =>
        Row(source, size, destination, destinationStride, count, size);
}
