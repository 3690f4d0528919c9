namespace UqKernels;

/// <summary>Argument checks of the ranking operations; each exception names the argument.</summary>
internal static class RankingValidation
{
    /// <summary>0/1 labels: anything else throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="name"/> and the index.</summary>
    public static void BinaryLabels(ReadOnlySpan<byte> labels, string name)
    {
        int bad = labels.IndexOfAnyExcept((byte)0, (byte)1);
        if (bad >= 0)
        {
            throw new ArgumentOutOfRangeException(name, $"{name}[{bad}] = {labels[bad]}; labels must be 0 or 1.");
        }
    }

    /// <summary>Class labels in <c>[0, classes)</c>.</summary>
    public static void ClassLabels(ReadOnlySpan<int> labels, int classes, string name)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(name, $"{name}[{i}] = {labels[i]} is outside [0, {classes}).");
            }
        }
    }

    public static void Dense(int samples, int columns, long scoresLength, int labelsLength, string scoresName, string columnsName, string labelsName = "labels")
    {
        if (samples < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), samples, "samples must be at least 1.");
        }

        if (columns < 1)
        {
            throw new ArgumentOutOfRangeException(columnsName, columns, $"{columnsName} must be at least 1.");
        }

        if (scoresLength != (long)samples * columns)
        {
            throw new ArgumentException(
                $"{scoresName} has {scoresLength} elements but {samples} samples × {columns} {columnsName} need {(long)samples * columns}.",
                scoresName);
        }

        if (labelsLength != samples)
        {
            throw new ArgumentException($"{labelsName} has {labelsLength} elements but there are {samples} samples.", labelsName);
        }
    }

    public static void Offsets(ReadOnlySpan<int> offsets, int length)
    {
        if (offsets.Length < 2)
        {
            throw new ArgumentException(
                $"offsets has {offsets.Length} elements; CSR offsets [S + 1] need at least 2 (one segment).", nameof(offsets));
        }

        if (offsets[0] < 0 || offsets[^1] > length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(offsets),
                $"offsets span [{offsets[0]}, {offsets[^1]}) but must lie within [0, {length}] (the length of scores).");
        }

        for (int s = 1; s < offsets.Length; s++)
        {
            if (offsets[s] < offsets[s - 1])
            {
                throw new ArgumentException(
                    $"offsets[{s}] = {offsets[s]} < offsets[{s - 1}] = {offsets[s - 1]}; offsets must be non-decreasing.",
                    nameof(offsets));
            }
        }
    }
}
