namespace UqKernels.Cli.Commands;

/// <summary><c>uqk devices</c>: every backend found, and why the others are missing.</summary>
internal static class DevicesCommand
{
    public static int Run(CommandLine line)
    {
        line.RejectUnused();
        Console.WriteLine($"{"selector",-12} {"status",-11} device / reason");
        foreach (UqDeviceInfo device in UqDevices.List())
        {
            string status = device.IsAvailable ? "available" : "missing";
            string detail = device.IsAvailable ? device.Name : device.Reason;
            Console.WriteLine($"{device.Selector,-12} {status,-11} {detail}");
        }

        (UqBackend backend, int index) = UqDevices.Resolve(UqBackend.Auto, 0);
        Console.WriteLine($"auto -> {UqDeviceSelector.Format(backend, index)}");
        return 0;
    }
}
