using System.Numerics;
using ILGPU;
using UqKernels.Cpu;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;

namespace UqKernels;

public static partial class UqOps
{
    /// <summary>
    /// The single-model pass over device-resident logits <c>[B, C]</c>, writing device-resident outputs, so chained
    /// kernels do not round-trip through the host. The work is queued on the context's stream; read results with
    /// <see cref="DeviceTensor{T}.CopyTo"/> (which waits) or call <see cref="UqContext.Synchronize"/>.
    /// </summary>
    /// <remarks>
    /// The math and the NaN policy are those of the host overload. Labels that live on a GPU are not read back to
    /// be checked: a device label outside <c>[0, C)</c> is treated like the ignore index (NaN label outputs) and is
    /// never used to index memory. On the managed SIMD backend they are checked and rejected as on the host.
    /// </remarks>
    /// <param name="context">The device; every tensor must belong to it.</param>
    /// <param name="logits">Dense logits of shape <c>[B, C]</c>.</param>
    /// <param name="labels"><c>[B]</c> labels, or null when no label output is requested.</param>
    /// <param name="outputs">Destinations of shape <c>[B]</c>; null ones are skipped.</param>
    /// <param name="options">Options; <see cref="RowStatisticsOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong shape or belongs to another context.</exception>
    public static void RowStatistics(
        this UqContext context,
        DeviceTensor<float> logits,
        DeviceTensor<int>? labels,
        RowStatisticsDeviceOutputs<float> outputs,
        RowStatisticsOptions? options = null) =>
        RowStatisticsOnDevice<float, float, float, LoadF32, Real32, WidenF32>(context, logits, labels, outputs, options);

    /// <inheritdoc cref="RowStatistics(UqContext, DeviceTensor{float}, DeviceTensor{int}?, RowStatisticsDeviceOutputs{float}, RowStatisticsOptions?)"/>
    public static void RowStatistics(
        this UqContext context,
        DeviceTensor<double> logits,
        DeviceTensor<int>? labels,
        RowStatisticsDeviceOutputs<double> outputs,
        RowStatisticsOptions? options = null) =>
        RowStatisticsOnDevice<double, double, double, LoadF64, Real64, WidenF64>(context, logits, labels, outputs, options);

    /// <inheritdoc cref="RowStatistics(UqContext, DeviceTensor{float}, DeviceTensor{int}?, RowStatisticsDeviceOutputs{float}, RowStatisticsOptions?)"/>
    public static void RowStatistics(
        this UqContext context,
        DeviceTensor<System.Half> logits,
        DeviceTensor<int>? labels,
        RowStatisticsDeviceOutputs<float> outputs,
        RowStatisticsOptions? options = null) =>
        RowStatisticsOnDevice<System.Half, ushort, float, LoadF16, Real32, WidenF16>(context, logits, labels, outputs, options);

    /// <inheritdoc cref="RowStatistics(UqContext, DeviceTensor{float}, DeviceTensor{int}?, RowStatisticsDeviceOutputs{float}, RowStatisticsOptions?)"/>
    public static void RowStatistics(
        this UqContext context,
        DeviceTensor<BFloat16> logits,
        DeviceTensor<int>? labels,
        RowStatisticsDeviceOutputs<float> outputs,
        RowStatisticsOptions? options = null) =>
        RowStatisticsOnDevice<BFloat16, ushort, float, LoadBf16, Real32, WidenBf16>(context, logits, labels, outputs, options);

    private static void RowStatisticsOnDevice<TStorage, TDevice, T, TLoad, TReal, TWiden>(
        UqContext context,
        DeviceTensor<TStorage> logits,
        DeviceTensor<int>? labels,
        RowStatisticsDeviceOutputs<T> outputs,
        RowStatisticsOptions? options)
        where TStorage : unmanaged
        where TDevice : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLoad : struct, IElementLoader<TDevice, T>
        where TReal : struct, IReal<T>
        where TWiden : struct, IRowWidening<TStorage, T>
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(outputs);
        if (logits.Shape.Count != 2)
        {
            throw new ArgumentException($"logits must be 2-D [B, C]; it has {logits.Shape.Count} dimensions.", nameof(logits));
        }

        var shape = new MatrixShape(logits.Shape[0], logits.Shape[1]);
        SameContext(context, logits, nameof(logits));
        SameContext(context, labels, nameof(labels));
        if (context.Ilgpu is null)
        {
            RowStatistics<TStorage, TDevice, T, TLoad, TReal, TWiden>(
                context, logits.HostSpan, shape, labels is null ? default : labels.HostSpan, HostOutputs(context, outputs), options);
            return;
        }

        options ??= RowStatisticsOptions.Default;
        options.Validate();
        shape.Validate(logits.Length, nameof(logits));
        if (labels is not null && labels.Length != shape.Rows)
        {
            throw new ArgumentException($"labels has {labels.Length} elements but there are {shape.Rows} rows.", nameof(labels));
        }

        var views = new RowStatisticsOutputViews<T>
        {
            Lse = DeviceOutput(context, outputs.Lse, shape.Rows, "outputs.Lse"),
            Entropy = DeviceOutput(context, outputs.Entropy, shape.Rows, "outputs.Entropy"),
            Msp = DeviceOutput(context, outputs.Msp, shape.Rows, "outputs.Msp"),
            ProbabilityMargin = DeviceOutput(context, outputs.ProbabilityMargin, shape.Rows, "outputs.ProbabilityMargin"),
            LogitMargin = DeviceOutput(context, outputs.LogitMargin, shape.Rows, "outputs.LogitMargin"),
            Nll = DeviceOutput(context, outputs.Nll, shape.Rows, "outputs.Nll"),
            Brier = DeviceOutput(context, outputs.Brier, shape.Rows, "outputs.Brier"),
            Top1Correct = DeviceOutput(context, outputs.Top1Correct, shape.Rows, "outputs.Top1Correct"),
            TopKCorrect = DeviceOutput(context, outputs.TopKCorrect, shape.Rows, "outputs.TopKCorrect"),
            LabelSmoothedCrossEntropy = DeviceOutput(
                context, outputs.LabelSmoothedCrossEntropy, shape.Rows, "outputs.LabelSmoothedCrossEntropy"),
            ArgMax = DeviceOutput(context, outputs.ArgMax, shape.Rows, "outputs.ArgMax"),
        };
        bool needsLabels = views.Nll.Length > 0 || views.Brier.Length > 0 || views.Top1Correct.Length > 0
            || views.TopKCorrect.Length > 0 || views.LabelSmoothedCrossEntropy.Length > 0;
        if (needsLabels && labels is null)
        {
            throw new ArgumentException(
                "Nll, Brier, Top1Correct, TopKCorrect and LabelSmoothedCrossEntropy need labels, but labels is null.",
                nameof(labels));
        }

        RowStatisticsParameters<T> parameters = options.ToParameters<T, TReal>(shape.Columns);
        ArrayView<TDevice> logitsView = logits.View.Cast<TDevice>();
        IlgpuRowStatistics.Launch<TDevice, T, TLoad, TReal>(
            context.Ilgpu, logitsView, shape, labels is null ? default : labels.View, parameters, views);
    }

    private static void SameContext<TElement>(UqContext context, DeviceTensor<TElement>? tensor, string name)
        where TElement : unmanaged
    {
        if (tensor is not null && !ReferenceEquals(tensor.Context, context))
        {
            throw new ArgumentException($"{name} belongs to context {tensor.Context}, not {context}.", name);
        }
    }

    private static ArrayView<TElement> DeviceOutput<TElement>(
        UqContext context, DeviceTensor<TElement>? tensor, int rows, string name)
        where TElement : unmanaged
    {
        if (tensor is null)
        {
            return default;
        }

        SameContext(context, tensor, name);
        if (tensor.Length < rows)
        {
            throw new ArgumentException($"{name} has {tensor.Length} elements but {rows} are written.", name);
        }

        return tensor.View.SubView(0, rows);
    }

    private static RowStatisticsOutputs<T> HostOutputs<T>(UqContext context, RowStatisticsDeviceOutputs<T> outputs)
        where T : unmanaged => new()
    {
        Lse = HostSpan(context, outputs.Lse, "outputs.Lse"),
        Entropy = HostSpan(context, outputs.Entropy, "outputs.Entropy"),
        Msp = HostSpan(context, outputs.Msp, "outputs.Msp"),
        ProbabilityMargin = HostSpan(context, outputs.ProbabilityMargin, "outputs.ProbabilityMargin"),
        LogitMargin = HostSpan(context, outputs.LogitMargin, "outputs.LogitMargin"),
        Nll = HostSpan(context, outputs.Nll, "outputs.Nll"),
        Brier = HostSpan(context, outputs.Brier, "outputs.Brier"),
        Top1Correct = HostSpan(context, outputs.Top1Correct, "outputs.Top1Correct"),
        TopKCorrect = HostSpan(context, outputs.TopKCorrect, "outputs.TopKCorrect"),
        LabelSmoothedCrossEntropy = HostSpan(context, outputs.LabelSmoothedCrossEntropy, "outputs.LabelSmoothedCrossEntropy"),
        ArgMax = HostSpan(context, outputs.ArgMax, "outputs.ArgMax"),
    };

    private static Span<TElement> HostSpan<TElement>(UqContext context, DeviceTensor<TElement>? tensor, string name)
        where TElement : unmanaged
    {
        SameContext(context, tensor, name);
        return tensor is null ? default : tensor.HostSpan;
    }
}
