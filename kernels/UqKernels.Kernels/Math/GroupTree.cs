using ILGPU;

namespace UqKernels.Kernels.Math;

/// <summary>How two partial states of a group reduction combine (an associative merge with an identity element).</summary>
/// <typeparam name="TState">The per-thread partial state.</typeparam>
public interface IGroupMerge<TState>
    where TState : unmanaged
{
    /// <summary>Folds <paramref name="other"/> into <paramref name="target"/>.</summary>
    static abstract void Merge(ref TState target, in TState other);
}

/// <summary>
/// The fixed-shape shared-memory tree every grouped kernel uses to combine per-thread partial states: deterministic
/// (the same pairing on every run and backend) and free of float atomics.
/// </summary>
public static class GroupTree
{
    /// <summary>
    /// Combines each thread's <paramref name="own"/> state over the group (whose size must be a power of two ≤ the length
    /// of <paramref name="shared"/>) and returns the total to every thread. All threads of the group must call it.
    /// Operands are copied out of shared memory before merging, so no merge works through a pointer into shared memory.
    /// </summary>
    public static TState Reduce<TState, TMerge>(ArrayView<TState> shared, TState own)
        where TState : unmanaged
        where TMerge : struct, IGroupMerge<TState>
    {
        int thread = Group.IdxX;
        shared[thread] = own;
        Group.Barrier();
        for (int offset = Group.DimX / 2; offset > 0; offset /= 2)
        {
            if (thread < offset)
            {
                TState merged = shared[thread];
                TState other = shared[thread + offset];
                TMerge.Merge(ref merged, other);
                shared[thread] = merged;
            }

            Group.Barrier();
        }

        TState total = shared[0];
        Group.Barrier();
        return total;
    }
}
