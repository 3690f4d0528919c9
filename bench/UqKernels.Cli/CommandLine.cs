using System.Globalization;

namespace UqKernels.Cli;

/// <summary>Thrown for a usage error; the CLI prints the message and exits with code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// Parsed arguments: positionals, then <c>--name value</c> pairs and bare <c>--flag</c>s. Hand-written rather than
/// System.CommandLine because <c>uqk eval</c> takes per-kernel inputs and options declared by each kernel's
/// descriptor, which a static command tree would duplicate.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public CommandLine(IReadOnlyList<string> args, IReadOnlySet<string> flagNames)
    {
        var positionals = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positionals.Add(arg);
                continue;
            }

            string name = arg[2..];
            if (flagNames.Contains(name))
            {
                _flags.Add(name);
            }
            else if (i + 1 < args.Count)
            {
                if (!_values.TryAdd(name, args[++i]))
                {
                    throw new UsageException($"--{name} was given twice.");
                }
            }
            else
            {
                throw new UsageException($"--{name} needs a value.");
            }
        }

        Positionals = positionals;
    }

    public IReadOnlyList<string> Positionals { get; }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _flags.Contains(name);
    }

    public string? Value(string name)
    {
        _used.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string Required(string name) =>
        Value(name) ?? throw new UsageException($"--{name} is required.");

    public double Double(string name, double fallback)
    {
        string? text = Value(name);
        if (text is null)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new UsageException($"--{name} must be a number, not '{text}'.");
    }

    public int Int(string name, int fallback)
    {
        string? text = Value(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new UsageException($"--{name} must be an integer, not '{text}'.");
    }

    /// <summary>Rejects, before any work is done, options outside <paramref name="known"/> (flags included).</summary>
    public void RejectUnknown(IEnumerable<string> known)
    {
        var allowed = new HashSet<string>(known, StringComparer.Ordinal);
        string[] unknown = _values.Keys.Concat(_flags).Where(name => !allowed.Contains(name)).ToArray();
        if (unknown.Length > 0)
        {
            throw new UsageException($"Unknown option(s): {string.Join(", ", unknown.Select(n => "--" + n))}.");
        }
    }

    /// <summary>Rejects any option that no code asked for (a typo must not be silently ignored).</summary>
    public void RejectUnused()
    {
        string[] unknown = _values.Keys.Concat(_flags).Where(name => !_used.Contains(name)).ToArray();
        if (unknown.Length > 0)
        {
            throw new UsageException($"Unknown option(s): {string.Join(", ", unknown.Select(n => "--" + n))}.");
        }
    }
}
