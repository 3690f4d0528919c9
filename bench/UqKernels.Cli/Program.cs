using UqKernels.Cli;
using UqKernels.Cli.Commands;
using UqKernels.Cli.Kernels;

return Cli.Run(args);

namespace UqKernels.Cli
{
    /// <summary>Entry point: <c>uqk devices | validate | eval | bench</c>.</summary>
    internal static class Cli
    {
        private static readonly HashSet<string> Flags = ["help", "h", "quick"];

        public static int Run(string[] args)
        {
            try
            {
                var line = new CommandLine(args, Flags);
                string command = line.Positionals.Count > 0 ? line.Positionals[0] : "help";
                int code = command switch
                {
                    "devices" => DevicesCommand.Run(line),
                    "validate" => ValidateCommand.Run(line),
                    "eval" => EvalCommand.Run(line),
                    "bench" => BenchCommand.Run(line),
                    "help" or "--help" => Usage(),
                    _ => throw new UsageException($"Unknown command '{command}'."),
                };
                return code;
            }
            catch (UsageException error)
            {
                Console.Error.WriteLine($"uqk: {error.Message}");
                Console.Error.WriteLine("Run 'uqk help' for usage.");
                return 2;
            }
            catch (UqDeviceUnavailableException error)
            {
                Console.Error.WriteLine($"uqk: {error.Message}");
                return 3;
            }
            catch (Exception error) when (error is ArgumentException or InvalidDataException or IOException)
            {
                Console.Error.WriteLine($"uqk: {error.Message}");
                return 1;
            }
        }

        private static int Usage()
        {
            Console.WriteLine("""
                uqk — UqKernels command line

                  uqk devices                          list backends, and why missing ones are missing
                  uqk validate [--device D]            every kernel on every available backend (or D) vs the f64 reference
                  uqk eval KERNEL --device D --out DIR --INPUT file.npy … [--OPTION value]
                  uqk eval KERNEL --help               inputs, options and outputs of KERNEL
                  uqk bench KERNEL [--device D]        time KERNEL alone at the spec's default sizes

                Devices: auto (UQK_DEVICE overrides; then CUDA, OpenCL, cpu), cpu, ilgpu-cpu, cuda[:N], opencl[:N].
                """);
            Console.WriteLine($"Kernels for eval: {string.Join(", ", EvalKernels.All.Select(k => k.Name))}");
            Console.WriteLine($"Kernels for bench: {string.Join(", ", BenchCommand.Names)}");
            return 0;
        }
    }
}
