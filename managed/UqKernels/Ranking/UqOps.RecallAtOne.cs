using System.Numerics;
using System.Runtime.InteropServices;
using UqKernels.Cpu;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Ranking;

namespace UqKernels;

public static partial class UqOps
{
    /// <summary>
    /// Recall@1 and R-AUROC of features <c>F [n, d]</c> with class ids and uncertainties (URL benchmark, uq_metrics.md
    /// §2.6): <c>nn(i) = argmax_{j≠i} ⟨F̂_i, F̂_j⟩</c> over L2-normalised rows (ties → lowest index),
    /// <c>r_i = 1[class(nn(i)) = class(i)]</c>, <c>R@1 = mean r</c>, <c>R-AUROC = AUROC(y = r, score = −u)</c>.
    /// </summary>
    /// <remarks>
    /// <para>Normalisation: NaN feature elements count as 0 (URL replaces NaN features by 0); the norm is accumulated in
    /// f64 and a zero row stays zero (its similarities are all 0). Infinite elements are rejected.</para>
    /// <para>Search: a tiled <c>F̂·F̂ᵀ</c> with a running top-1 per row; the <c>n×n</c> matrix is never materialised.
    /// Dot products are accumulated in the input type (f32 or f64): the CPU path with 4×4 register-blocked fused
    /// multiply-adds over SIMD lanes, the device kernel (<c>ilgpu-cpu</c>, <c>cuda</c>, <c>opencl</c>) with shared-memory
    /// tiles. Tie policy: on every backend the lowest index among equal maximal similarities wins, so exact duplicate
    /// rows resolve identically everywhere. Similarities that differ only by rounding (near-ties within a few ulps) may
    /// resolve differently on different backends, because their summation orders differ; URL's faiss top-2 search has
    /// the same property (and assumes the first hit is the row itself).</para>
    /// <para>R-AUROC runs <see cref="Auroc(UqContext, ReadOnlySpan{float}, ReadOnlySpan{byte}, NanPolicy)"/> on
    /// <c>−u</c> with <paramref name="nanPolicy"/> applied to the uncertainties (Error throws before the search, Propagate
    /// gives NaN, Omit leaves those rows out of R-AUROC only; R@1 always uses every row); it is NaN with
    /// <see cref="RankingStatus.OneClass"/> when all or none of the neighbours match.</para>
    /// </remarks>
    /// <param name="context">The device to run the search on.</param>
    /// <param name="features">Row-major features; row <c>i</c> starts at <c>i·shape.RowStride</c>.</param>
    /// <param name="shape">Rows <c>n ≥ 2</c>, feature dimension <c>d</c> and row stride.</param>
    /// <param name="classes"><c>[n]</c> class ids (any integers).</param>
    /// <param name="uncertainty"><c>[n]</c> uncertainties for R-AUROC, or empty to skip it.</param>
    /// <param name="nearest">Optional destination <c>[n]</c> for <c>nn(i)</c>; empty to skip.</param>
    /// <param name="correct">Optional destination <c>[n]</c> for <c>r_i</c> (0/1); empty to skip.</param>
    /// <param name="nanPolicy">What R-AUROC does with NaN uncertainties.</param>
    /// <returns>R@1, the match count and R-AUROC.</returns>
    /// <exception cref="ArgumentException">
    /// The shape is invalid or has fewer than 2 rows, or a feature is infinite (names features); classes, uncertainty or a
    /// destination has the wrong length, or an uncertainty is NaN under <see cref="NanPolicy.Error"/> (names it).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nanPolicy"/> is undefined.</exception>
    public static RecallAtOneResult RecallAtOne(
        this UqContext context,
        ReadOnlySpan<float> features,
        MatrixShape shape,
        ReadOnlySpan<int> classes,
        ReadOnlySpan<float> uncertainty,
        Span<int> nearest = default,
        Span<byte> correct = default,
        NanPolicy nanPolicy = NanPolicy.Error) =>
        RecallAtOne<float, Real32>(context, features, shape, classes, uncertainty, nearest, correct, nanPolicy);

    /// <inheritdoc cref="RecallAtOne(UqContext, ReadOnlySpan{float}, MatrixShape, ReadOnlySpan{int}, ReadOnlySpan{float}, Span{int}, Span{byte}, NanPolicy)"/>
    public static RecallAtOneResult RecallAtOne(
        this UqContext context,
        ReadOnlySpan<double> features,
        MatrixShape shape,
        ReadOnlySpan<int> classes,
        ReadOnlySpan<double> uncertainty,
        Span<int> nearest = default,
        Span<byte> correct = default,
        NanPolicy nanPolicy = NanPolicy.Error) =>
        RecallAtOne<double, Real64>(context, features, shape, classes, uncertainty, nearest, correct, nanPolicy);

    private static RecallAtOneResult RecallAtOne<T, TReal>(
        UqContext context,
        ReadOnlySpan<T> features,
        MatrixShape shape,
        ReadOnlySpan<int> classes,
        ReadOnlySpan<T> uncertainty,
        Span<int> nearest,
        Span<byte> correct,
        NanPolicy nanPolicy)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Enum.IsDefined(nanPolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(nanPolicy), nanPolicy, "nanPolicy must be Error, Propagate or Omit.");
        }

        shape.Validate(features.Length, nameof(features));
        int rows = shape.Rows;
        if (rows < 2)
        {
            throw new ArgumentException(
                $"{nameof(features)} has {rows} row; R@1 needs at least 2 rows (a row is never its own neighbour).",
                nameof(features));
        }

        if (classes.Length != rows)
        {
            throw new ArgumentException($"classes has {classes.Length} elements but features has {rows} rows.", nameof(classes));
        }

        if (!uncertainty.IsEmpty && uncertainty.Length != rows)
        {
            throw new ArgumentException(
                $"uncertainty has {uncertainty.Length} elements but features has {rows} rows; pass an empty span to skip R-AUROC.",
                nameof(uncertainty));
        }

        if (nanPolicy == NanPolicy.Error)
        {
            for (int i = 0; i < uncertainty.Length; i++)
            {
                if (T.IsNaN(uncertainty[i]))
                {
                    throw new ArgumentException(
                        $"uncertainty[{i}] is NaN; pass NanPolicy.Propagate or NanPolicy.Omit to accept it.", nameof(uncertainty));
                }
            }
        }

        Check.Destination(nearest.Length, rows, nameof(nearest));
        Check.Destination(correct.Length, rows, nameof(correct));

        T[] normalized = RecallAtOneNormalize<T, TReal>(features, shape, out int paddedRows, out int paddedColumns);
        var neighbours = new int[rows];
        if (context.Ilgpu is { } device)
        {
            NearestNeighbourIlgpu.Search(device, normalized, rows, paddedRows, paddedColumns, neighbours);
        }
        else
        {
            NearestNeighbourCpu.Search(normalized, rows, paddedRows, paddedColumns, neighbours);
        }

        var matches = new byte[rows];
        long matched = 0;
        for (int i = 0; i < rows; i++)
        {
            int j = neighbours[i];
            if (j >= 0 && classes[j] == classes[i])
            {
                matches[i] = 1;
                matched++;
            }
        }

        if (!nearest.IsEmpty)
        {
            neighbours.CopyTo(nearest);
        }

        if (!correct.IsEmpty)
        {
            matches.CopyTo(correct);
        }

        RankingResult? auroc = null;
        if (!uncertainty.IsEmpty)
        {
            var scores = new T[rows];
            for (int i = 0; i < rows; i++)
            {
                scores[i] = -uncertainty[i];
            }

            auroc = typeof(T) == typeof(float)
                ? context.Auroc(MemoryMarshal.Cast<T, float>(scores), matches, nanPolicy)
                : context.Auroc(MemoryMarshal.Cast<T, double>(scores), matches, nanPolicy);
        }

        return new RecallAtOneResult
        {
            RecallAtOne = (double)matched / rows,
            Count = rows,
            Correct = matched,
            RAuroc = auroc?.Auroc ?? double.NaN,
            RAurocDetails = auroc,
        };
    }

    /// <summary>
    /// The L2-normalised rows in a zero-padded dense buffer <c>[paddedRows, paddedColumns]</c> (rows in parallel), after
    /// rejecting infinite elements.
    /// </summary>
    private static T[] RecallAtOneNormalize<T, TReal>(
        ReadOnlySpan<T> features, MatrixShape shape, out int paddedRows, out int paddedColumns)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        int rows = shape.Rows;
        int columns = shape.Columns;
        long stride = shape.RowStride;
        int padRows = NearestNeighbour.Padded(rows);
        int padColumns = NearestNeighbour.Padded(columns);
        var normalized = new T[(long)padRows * padColumns];
        int firstInfinite = int.MaxValue;
        object gate = new();
        unsafe
        {
            fixed (T* source = features)
            {
                T* pointer = source;
                long length = features.Length;
                CpuParallel.ForRowRanges(rows, columns, (start, end) =>
                {
                    var all = new ReadOnlySpan<T>(pointer, (int)length);
                    int infinite = int.MaxValue;
                    for (int row = start; row < end; row++)
                    {
                        ReadOnlySpan<T> values = all.Slice((int)(row * stride), columns);
                        foreach (T x in values)
                        {
                            if (T.IsInfinity(x))
                            {
                                infinite = Math.Min(infinite, row);
                            }
                        }

                        NearestNeighbour.NormalizeRow<T, TReal>(values, normalized.AsSpan(row * padColumns, padColumns));
                    }

                    if (infinite != int.MaxValue)
                    {
                        lock (gate)
                        {
                            firstInfinite = Math.Min(firstInfinite, infinite);
                        }
                    }
                });
            }
        }

        if (firstInfinite != int.MaxValue)
        {
            throw new ArgumentException(
                $"features row {firstInfinite} holds an infinite value; features must be finite (NaN counts as 0).",
                nameof(features));
        }

        paddedRows = padRows;
        paddedColumns = padColumns;
        return normalized;
    }
}
