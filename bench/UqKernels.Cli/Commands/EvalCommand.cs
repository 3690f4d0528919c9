using UqKernels.Cli.Kernels;
using UqKernels.IO;

namespace UqKernels.Cli.Commands;

/// <summary><c>uqk eval KERNEL --device D --out DIR --INPUT file.npy … [--OPTION value]</c>.</summary>
internal static class EvalCommand
{
    public static int Run(CommandLine line)
    {
        if (line.Positionals.Count < 2)
        {
            throw new UsageException($"uqk eval needs a kernel: {string.Join(", ", EvalKernels.All.Select(k => k.Name))}.");
        }

        EvalKernel kernel = EvalKernels.Find(line.Positionals[1]);
        if (line.Flag("help") || line.Flag("h"))
        {
            PrintHelp(kernel);
            return 0;
        }

        line.RejectUnknown(
            kernel.Inputs.Select(i => i.Name).Concat(kernel.Options.Select(o => o.Name)).Concat(["device", "out"]));
        string device = line.Value("device") ?? "auto";
        string outDirectory = line.Required("out");
        using UqContext context = UqContext.Create(device);
        IReadOnlyDictionary<string, NpyArray> outputs = kernel.Run(context, new CommandLineArguments(line));
        Directory.CreateDirectory(outDirectory);
        foreach ((string name, NpyArray array) in outputs)
        {
            array.Write(Path.Combine(outDirectory, name + ".npy"));
        }

        Console.WriteLine(
            $"{kernel.Name} on {context}: wrote {string.Join(", ", outputs.Keys.Select(n => n + ".npy"))} to {outDirectory}");
        return 0;
    }

    private static void PrintHelp(EvalKernel kernel)
    {
        Console.WriteLine($"uqk eval {kernel.Name} — {kernel.Summary}");
        Console.WriteLine($"usage: uqk eval {kernel.Name} --device D --out DIR "
            + string.Join(" ", kernel.Inputs.Select(i => i.Required ? $"--{i.Name} FILE.npy" : $"[--{i.Name} FILE.npy]")));
        Console.WriteLine("inputs:");
        foreach (EvalInput input in kernel.Inputs)
        {
            Console.WriteLine($"  --{input.Name,-18} {(input.Required ? "required" : "optional")}: {input.Description}");
        }

        if (kernel.Options.Count > 0)
        {
            Console.WriteLine("options:");
            foreach (EvalOption option in kernel.Options)
            {
                Console.WriteLine($"  --{option.Name,-18} {option.Description} (default {option.Default})");
            }
        }

        Console.WriteLine($"outputs (DIR/NAME.npy): {string.Join(", ", kernel.Outputs)}");
    }
}
