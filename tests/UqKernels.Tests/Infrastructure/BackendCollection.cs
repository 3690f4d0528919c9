namespace UqKernels.Tests.Infrastructure;

/// <summary>
/// Kernel tests share one context per backend and a context serves one thread at a time, so they run in one
/// serial collection; ILGPU's CPU accelerator already uses every core.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BackendCollection
{
    public const string Name = "Backends";
}
