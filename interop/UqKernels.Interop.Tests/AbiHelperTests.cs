using System.Runtime.InteropServices;

namespace UqKernels.Interop.Tests;

/// <summary>Status mapping, the thread-local message, size-prefixed structs and tensor validation.</summary>
public sealed class AbiHelperTests
{
    public static TheoryData<Exception, int> Mappings() => new()
    {
        { new ArgumentException("a", "x"), Status.InvalidArgument },
        { new ArgumentOutOfRangeException("x"), Status.InvalidArgument },
        { new ArgumentNullException("x"), Status.InvalidArgument },
        { new UnsupportedDtypeException("d", "x"), Status.UnsupportedDtype },
        { new UqDeviceUnavailableException("cuda"), Status.DeviceUnavailable },
#pragma warning disable CA2201 // the mapping of the runtime's own exception is what is tested
        { new OutOfMemoryException(), Status.OutOfMemory },
#pragma warning restore CA2201
        { new InsufficientMemoryException(), Status.OutOfMemory },
        { new InvalidOperationException("bug"), Status.Internal },
    };

    [Theory]
    [MemberData(nameof(Mappings))]
    public void ExceptionsMapToStatuses(Exception exception, int status)
    {
        Assert.Equal(status, LastError.Set(exception));
        Assert.NotEmpty(LastError.Message);
        Assert.Equal(status == Status.Internal, LastError.Message.StartsWith("internal error: System.InvalidOperationException", StringComparison.Ordinal));
    }

    [Fact]
    public void SetNeverThrowsEvenWhenTheMessageDoes()
    {
        Assert.Equal(Status.Internal, LastError.Set(new ThrowingMessageException()));
        Assert.Equal(string.Empty, LastError.Message);
    }

    [Fact]
    public void LongMessagesAreTruncatedAtACharacterBoundary()
    {
        LastError.Set(new ArgumentException(new string('é', 5000)));
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(LastError.Message), 2000, 2047);
        Assert.DoesNotContain('\uFFFD', LastError.Message);
        LastError.Clear();
        Assert.Equal(string.Empty, LastError.Message);
    }

    [Fact]
    public void MessagesAreThreadLocal()
    {
        LastError.Set(new ArgumentException("main thread"));
        string? other = null;
        var thread = new Thread(() =>
        {
            LastError.Set(new ArgumentException("other thread"));
            other = LastError.Message;
        });
        thread.Start();
        thread.Join();
        Assert.StartsWith("other thread", other, StringComparison.Ordinal);
        Assert.StartsWith("main thread", LastError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public unsafe void OptionsFieldsPastStructSizeKeepTheirDefaults()
    {
        var caller = new RowStatisticsOptionsAbi { StructSize = 16, IgnoreIndex = 7, Temperature = 3.0, TopK = 1 };
        RowStatisticsOptionsAbi read = AbiStruct.ReadOptions(&caller, RowStatisticsOptionsAbi.Default, "options");
        Assert.Equal((7, 3.0, 5), (read.IgnoreIndex, read.Temperature, read.TopK));
        caller.StructSize = 0;
        nint address = (nint)(&caller);
        Assert.Throws<ArgumentException>(() => AbiStruct.ReadOptions((RowStatisticsOptionsAbi*)address, RowStatisticsOptionsAbi.Default, "options"));
        Assert.Equal(5, AbiStruct.ReadOptions<RowStatisticsOptionsAbi>(null, RowStatisticsOptionsAbi.Default, "options").TopK);
    }

    [Fact]
    public unsafe void ResultsAreWrittenOnlyUpToStructSize()
    {
        var result = new RankingResultAbi { StructSize = 16, Positives = -1 };
        AbiStruct.Write(&result, new RankingResultAbi { Status = 1, Auroc = 0.5, Positives = 9 }, "result");
        Assert.Equal((16u, 1, 0.5, -1L), (result.StructSize, result.Status, result.Auroc, result.Positives));
    }

    [Fact]
    public void MirrorsHaveTheCLayout()
    {
        Assert.Equal(48, Marshal.SizeOf<DLTensor>());
        Assert.Equal(12, Marshal.SizeOf<ContextOptionsAbi>());
        Assert.Equal(144, Marshal.SizeOf<ContextInfoAbi>());
        Assert.Equal(32, Marshal.SizeOf<RowStatisticsOptionsAbi>());
        Assert.Equal(8 + (11 * 8), Marshal.SizeOf<RowStatisticsOutputsAbi>());
        Assert.Equal(48, Marshal.SizeOf<RankingResultAbi>());
        Assert.Equal(48, Marshal.SizeOf<CalibrationResultAbi>());
        Assert.Equal(24, Marshal.SizeOf<SelectivePredictionOptionsAbi>());
        Assert.Equal(80, Marshal.SizeOf<SelectivePredictionResultAbi>());
        Assert.Equal(40, Marshal.SizeOf<RankingAveragesAbi>());
        Assert.Equal(24, Marshal.SizeOf<CorrelationResultAbi>());
    }

    [Fact]
    public unsafe void TensorViewsAreValidatedAndStridedOnesGathered()
    {
        float* data = stackalloc float[] { 1, 2, 3, 4, 5, 6 };
        long* shape = stackalloc long[] { 2, 2 };
        long* strides = stackalloc long[] { 1, 3 };
        DLTensor t = FlatTensor.Dense(data, ElementType.F32, shape, 2);
        t.Strides = strides;
        TensorView view = TensorView.Input(&t, "x", 2, "[N, C]", ElementType.Real);
        Assert.False(view.IsContiguous);
        using (CallScope scope = CallScope.Enter())
        {
            Assert.Equal(new float[] { 1, 4, 2, 5 }, scope.Input<float>(view).ToArray());
        }

        nint tensor = (nint)(&t);
        shape[0] = long.MaxValue;
        Assert.Contains("overflows", Assert.Throws<ArgumentException>(() => TensorView.Input((DLTensor*)tensor, "x", 2, "[N, C]", ElementType.Real)).Message, StringComparison.Ordinal);
        shape[0] = 2;
        Assert.Throws<UnsupportedDtypeException>(() => TensorView.Input((DLTensor*)tensor, "x", 2, "[N, C]", ElementType.Index));
        t.Device.DeviceType = DLDevice.Cuda;
        Assert.Contains("kDLCUDA", Assert.Throws<ArgumentException>(() => TensorView.Input((DLTensor*)tensor, "x", 2, "[N, C]", ElementType.Real)).Message, StringComparison.Ordinal);
    }

    private sealed class ThrowingMessageException : Exception
    {
        public override string Message => throw new InvalidOperationException("no message");
    }
}
