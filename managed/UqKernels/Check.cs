namespace UqKernels;

/// <summary>Argument checks shared by every public operation; each message names the argument and what was wrong.</summary>
internal static class Check
{
    /// <summary>An optional destination: empty (skipped) or at least <paramref name="required"/> elements.</summary>
    public static void Destination(int length, int required, string name)
    {
        if (length != 0 && length < required)
        {
            throw new ArgumentException(
                $"{name} has {length} elements but {required} are written; pass an empty span to skip it.", name);
        }
    }

    /// <summary>Labels: empty, or one per row, each in <c>[0, classes)</c> or equal to <paramref name="ignoreIndex"/>.</summary>
    public static void Labels(ReadOnlySpan<int> labels, int rows, int classes, int ignoreIndex, string name)
    {
        if (labels.IsEmpty)
        {
            return;
        }

        if (labels.Length != rows)
        {
            throw new ArgumentException($"{name} has {labels.Length} elements but there are {rows} rows.", name);
        }

        for (int i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if (label != ignoreIndex && (uint)label >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(
                    name,
                    $"{name}[{i}] = {label} is outside [0, {classes}) and is not the ignore index {ignoreIndex}.");
            }
        }
    }
}
