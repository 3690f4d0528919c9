namespace UqKernels;

/// <summary>How the member dimension of ensemble / MC-sample logits is laid out (the class dimension is always contiguous).</summary>
public enum EnsembleLayout
{
    /// <summary><c>[B, M, C]</c>: the members of one sample are adjacent (untangle's layout).</summary>
    SampleMajor = 0,

    /// <summary><c>[M, B, C]</c>: one member's whole batch is adjacent (URL stacks MC-dropout / shallow-ensemble outputs this way).</summary>
    MemberMajor = 1,
}
