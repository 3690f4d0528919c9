using System.Numerics;
using ILGPU;

namespace UqKernels.Kernels.Ranking;

/// <summary>
/// The cosine nearest-neighbour search of R@1 (uq_metrics.md §2.6) as an explicitly grouped device kernel: a tiled
/// <c>F·Fᵀ</c> with a running top-1 per row, so the <c>n×n</c> similarity matrix is never materialised.
/// </summary>
public static class NearestNeighbourKernel
{
    /// <summary>The largest tile edge; a launch uses a tile edge <c>t</c> ∈ {4, 8, 16} and a group of <c>t²</c> threads.</summary>
    public const int MaxTile = NearestNeighbour.Padding;

    /// <summary>
    /// Group <c>g</c> handles query tiles <c>g, g + gridDim, …</c> of <paramref name="tile"/> rows. Thread <c>(ty, tx)</c>
    /// (<c>ty = idx / t</c>, <c>tx = idx mod t</c>) computes the dot product of query <c>ty</c> with candidate <c>tx</c>
    /// of each candidate tile, streaming the feature dimension in slabs of <see cref="MaxTile"/> columns through two
    /// shared-memory tiles of <c>t×16</c> (one barrier pair per slab whatever t), and keeps
    /// its own register top-1 over its candidates (ascending); after the last candidate tile the <c>t</c> partial bests of
    /// each query are merged by a fixed shared-memory tree with <see cref="NearestNeighbour.Better{T}"/> (ties → lowest
    /// index). Every dot product is one fixed sequence of multiply-adds over the dimension, so exact duplicate rows give
    /// bit-identical similarities and the lowest index wins on every run.
    /// </summary>
    /// <param name="features">Normalised features <c>[paddedRows, paddedColumns]</c>, zero padded (<see cref="NearestNeighbour.Padding"/>).</param>
    /// <param name="rows">Number of real rows <c>n</c>; padded rows are never candidates and never written.</param>
    /// <param name="paddedRows">Rows of <paramref name="features"/>, a multiple of <paramref name="tile"/>.</param>
    /// <param name="paddedColumns">Columns of <paramref name="features"/>, a multiple of <see cref="MaxTile"/>.</param>
    /// <param name="tile">The tile edge <c>t</c> (≤ <see cref="MaxTile"/>); the group size must be <c>t²</c>.</param>
    /// <param name="nearest"><c>[n]</c> the nearest other row of each row (−1 only when <c>n = 1</c>).</param>
    public static void Run<T>(
        ArrayView<T> features,
        int rows,
        int paddedRows,
        int paddedColumns,
        int tile,
        ArrayView<int> nearest)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The candidate tile has a row stride of MaxTile + 1 so that threads reading column k of different candidate
        // rows hit different banks.
        ArrayView<T> queryTile = SharedMemory.Allocate<T>(MaxTile * MaxTile);
        ArrayView<T> candidateTile = SharedMemory.Allocate<T>(MaxTile * (MaxTile + 1));
        ArrayView<T> bestSimilarities = SharedMemory.Allocate<T>(MaxTile * MaxTile);
        ArrayView<int> bestIndices = SharedMemory.Allocate<int>(MaxTile * MaxTile);
        int thread = Group.IdxX;
        int ty = thread / tile;
        int tx = thread - (ty * tile);
        int tiles = paddedRows / tile;
        for (int queryTileIndex = Grid.IdxX; queryTileIndex < tiles; queryTileIndex += Grid.DimX)
        {
            int query = (queryTileIndex * tile) + ty;
            long queryStart = (long)query * paddedColumns;
            T best = T.NegativeInfinity;
            int bestIndex = -1;
            for (int candidateTileIndex = 0; candidateTileIndex < tiles; candidateTileIndex++)
            {
                long loadRowStart = (long)((candidateTileIndex * tile) + ty) * paddedColumns;
                T dot = T.Zero;
                for (int k0 = 0; k0 < paddedColumns; k0 += MaxTile)
                {
                    for (int k = tx; k < MaxTile; k += tile)
                    {
                        queryTile[(ty * MaxTile) + k] = features[queryStart + k0 + k];
                        candidateTile[(ty * (MaxTile + 1)) + k] = features[loadRowStart + k0 + k];
                    }

                    Group.Barrier();
                    for (int k = 0; k < MaxTile; k++)
                    {
                        dot += queryTile[(ty * MaxTile) + k] * candidateTile[(tx * (MaxTile + 1)) + k];
                    }

                    Group.Barrier();
                }

                int candidate = (candidateTileIndex * tile) + tx;
                if (candidate < rows && candidate != query && NearestNeighbour.Better(dot, candidate, best, bestIndex))
                {
                    best = dot;
                    bestIndex = candidate;
                }
            }

            bestSimilarities[thread] = best;
            bestIndices[thread] = bestIndex;
            Group.Barrier();
            for (int offset = tile / 2; offset > 0; offset /= 2)
            {
                if (tx < offset)
                {
                    T other = bestSimilarities[thread + offset];
                    int otherIndex = bestIndices[thread + offset];
                    if (otherIndex >= 0
                        && NearestNeighbour.Better(other, otherIndex, bestSimilarities[thread], bestIndices[thread]))
                    {
                        bestSimilarities[thread] = other;
                        bestIndices[thread] = otherIndex;
                    }
                }

                Group.Barrier();
            }

            if (tx == 0 && query < rows)
            {
                nearest[query] = bestIndices[thread];
            }

            Group.Barrier();
        }
    }
}
