namespace UqKernels;

/// <summary>
/// The shape of a row-major matrix view: <see cref="Rows"/> × <see cref="Columns"/> with the last dimension
/// contiguous and rows <see cref="RowStride"/> elements apart (≥ <see cref="Columns"/>, e.g. a padded LLM vocabulary).
/// </summary>
public readonly record struct MatrixShape
{
    /// <summary>A dense matrix (row stride = columns).</summary>
    public MatrixShape(int rows, int columns)
        : this(rows, columns, columns)
    {
    }

    /// <summary>A matrix whose rows are <paramref name="rowStride"/> elements apart.</summary>
    public MatrixShape(int rows, int columns, long rowStride)
    {
        Rows = rows;
        Columns = columns;
        RowStride = rowStride;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns (classes).</summary>
    public int Columns { get; }

    /// <summary>Distance between the starts of consecutive rows, in elements.</summary>
    public long RowStride { get; }

    /// <summary>Elements a buffer must hold: <c>(Rows − 1)·RowStride + Columns</c>.</summary>
    public long RequiredLength => Rows == 0 ? 0 : ((Rows - 1) * RowStride) + Columns;

    /// <summary>Throws an exception naming <paramref name="argumentName"/> unless the shape is a non-empty valid view of a buffer of <paramref name="bufferLength"/> elements.</summary>
    internal void Validate(long bufferLength, string argumentName)
    {
        if (Rows <= 0)
        {
            throw new ArgumentException($"{argumentName} has {Rows} rows; the batch must not be empty.", argumentName);
        }

        if (Columns <= 0)
        {
            throw new ArgumentException($"{argumentName} has {Columns} columns; C must be at least 1.", argumentName);
        }

        if (RowStride < Columns)
        {
            throw new ArgumentException(
                $"{argumentName} has row stride {RowStride} < {Columns} columns; rows must not overlap.", argumentName);
        }

        if (bufferLength < RequiredLength)
        {
            throw new ArgumentException(
                $"{argumentName} holds {bufferLength} elements but shape {Rows}×{Columns} with row stride {RowStride} "
                + $"needs {RequiredLength}.",
                argumentName);
        }
    }
}
