using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary>An input file of an eval kernel (<c>--NAME file.npy</c>).</summary>
internal sealed record EvalInput(string Name, string Description, bool Required = true);

/// <summary>A scalar option of an eval kernel (<c>--NAME value</c>).</summary>
internal sealed record EvalOption(string Name, string Description, string Default);

/// <summary>The inputs and options of one eval kernel call, read through the kernel's declared names.</summary>
internal abstract class EvalArguments
{
    public abstract NpyArray? Input(string name);

    public NpyArray RequiredInput(string name) =>
        Input(name) ?? throw new UsageException($"--{name} FILE.npy is required.");

    public abstract double Double(string name, double fallback);

    public abstract string? Text(string name);

    public int Int(string name, int fallback) => checked((int)Double(name, fallback));
}

/// <summary>Arguments from the command line: <c>--NAME file.npy</c> and <c>--OPTION value</c>.</summary>
internal sealed class CommandLineArguments(CommandLine line) : EvalArguments
{
    public override NpyArray? Input(string name)
    {
        string? path = line.Value(name);
        return path is null ? null : NpyArray.Read(path);
    }

    public override double Double(string name, double fallback) => line.Double(name, fallback);

    public override string? Text(string name) => line.Value(name);
}

/// <summary>
/// Arguments from a checked-in reference case: inputs are its <c>NAME.npy</c> files and options its
/// <c>meta.json</c> fields (<c>ignore-index</c> is read as <c>ignore_index</c>).
/// </summary>
internal sealed class ReferenceArguments(Validation.ReferenceCase reference) : EvalArguments
{
    public override NpyArray? Input(string name) => reference.Has(name) ? reference.Input(name) : null;

    public override double Double(string name, double fallback) =>
        reference.MetaDouble(name.Replace('-', '_'), fallback);

    public override string? Text(string name) => reference.MetaString(name.Replace('-', '_'));
}

/// <summary>A kernel reachable from <c>uqk eval</c>: .npy in, one .npy per output out.</summary>
internal abstract class EvalKernel
{
    public abstract string Name { get; }

    public abstract string Summary { get; }

    public abstract IReadOnlyList<EvalInput> Inputs { get; }

    public virtual IReadOnlyList<EvalOption> Options => [];

    public abstract IReadOnlyList<string> Outputs { get; }

    /// <summary>The folder of <c>tests/data/eval</c> whose cases validate this kernel (same input/output names).</summary>
    public abstract string ReferenceFamily { get; }

    /// <summary>
    /// True when the kernel computes in f64 whatever the input dtype (the ranking metrics: exact integer counts and f64
    /// sums over the exact stored scores), so <c>uqk validate</c> holds its f32-input cases to the f64 tolerance.
    /// </summary>
    public virtual bool ComputesInFloat64 => false;

    /// <summary>Runs the kernel and returns the arrays to write, by output name.</summary>
    public abstract IReadOnlyDictionary<string, NpyArray> Run(UqContext context, EvalArguments arguments);

    /// <summary>
    /// Allocates one <c>[n]</c> array per declared output, lets <paramref name="run"/> fill them (in
    /// <see cref="Outputs"/> order) and returns them by output name.
    /// </summary>
    protected Dictionary<string, NpyArray> ComputeOutputs<T>(int n, Action<T[][]> run)
        where T : unmanaged
    {
        T[][] o = Enumerable.Range(0, Outputs.Count).Select(_ => new T[n]).ToArray();
        run(o);
        var result = new Dictionary<string, NpyArray>();
        for (int i = 0; i < Outputs.Count; i++)
        {
            result[Outputs[i]] = NpyArray.Create<T>(o[i], n);
        }

        return result;
    }

    /// <summary>A float array as f32 or f64 (the compute type follows the input); other dtypes are a usage error.</summary>
    protected static NpyArray RequireFloat(NpyArray array, string name) =>
        array.DType is NpyDType.Float32 or NpyDType.Float64
            ? array
            : throw new UsageException($"--{name} must be f32 or f64, not {array.DType}.");

    /// <summary>The dimensions of <paramref name="array"/>, checked to be <paramref name="rank"/>-D.</summary>
    protected static int[] Dimensions(NpyArray array, int rank, string name)
    {
        if (array.Shape.Count != rank)
        {
            throw new ArgumentException(
                $"{name} must be {rank}-D, but its shape is ({string.Join(", ", array.Shape)}).", name);
        }

        return [.. array.Shape];
    }
}

/// <summary>Every eval kernel, by name.</summary>
internal static class EvalKernels
{
    public static IReadOnlyList<EvalKernel> All { get; } =
    [
        new EntropyEval(),
        new SoftCrossEntropyEval(),
        new TokenEval(),
        new EnsembleEval(),
        new CalibrationEval(),
        new SemanticEntropyEval(),
        new VmfEval(),
        new VmfSampleEval(),
        new VmfPairEval(),
        new AurocEval(),
        new OneVsRestEval(),
        new SelectivePredictionEval(),
        new SpearmanEval(),
    ];

    public static EvalKernel Find(string name) =>
        All.FirstOrDefault(k => k.Name == name)
        ?? throw new UsageException($"Unknown kernel '{name}'. Kernels: {string.Join(", ", All.Select(k => k.Name))}.");
}
