namespace UqKernels;

/// <summary>How the von Mises–Fisher sampler's backward pass differentiates the cosine <c>w = μᵀx</c> with respect to κ.</summary>
public enum GradientMode
{
    /// <summary>
    /// The reference code's reparameterisation ("g_rep only", s-vae / PCL / URL autograd): <c>∂w/∂b·db/dκ</c> with the
    /// accepted Beta variate held fixed. <b>Biased</b> for d ≠ 3 (it omits the rejection-correction term of Naesseth
    /// et al. 2017; e.g. −13% at d = 5, κ = 2); use to reproduce published numbers only.
    /// </summary>
    Pathwise,

    /// <summary>
    /// The exact implicit reparameterisation gradient (Figurnov et al. 2018): <c>dw/dκ = −∂_κF(w; κ)/f(w; κ)</c>, F the
    /// CDF of w; unbiased, <c>E[dw/dκ] = A′_d(κ)</c>.
    /// </summary>
    Implicit,
}
