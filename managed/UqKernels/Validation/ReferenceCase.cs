using System.Text.Json;
using UqKernels.IO;

namespace UqKernels.Validation;

/// <summary>One checked-in reference case: a folder of input and expected <c>.npy</c> files plus <c>meta.json</c>.</summary>
public sealed class ReferenceCase
{
    private readonly string _folder;

    private ReferenceCase(string family, string folder)
    {
        _folder = folder;
        Name = $"{family}/{Path.GetFileName(folder)}";
        string metaPath = Path.Combine(folder, "meta.json");
        Meta = File.Exists(metaPath) ? JsonDocument.Parse(File.ReadAllText(metaPath)).RootElement.Clone() : default;
        DType = Meta.ValueKind == JsonValueKind.Object && Meta.TryGetProperty("dtype", out JsonElement d) ? d.GetString()! : "f32";
    }

    /// <summary>The case's name, <c>family/folder</c>.</summary>
    public string Name { get; }

    /// <summary>The parsed <c>meta.json</c> (undefined when absent).</summary>
    public JsonElement Meta { get; }

    /// <summary>The input dtype name: <c>f32</c>, <c>f64</c>, <c>f16</c> or <c>bf16</c>.</summary>
    public string DType { get; }

    /// <summary>The checked-in data folder (<c>tests/data</c>), found above the running binary or the working directory.</summary>
    public static string DataRoot { get; set; } = FindDataRoot();

    /// <summary>Every case of an eval-kernel family folder (<c>tests/data/eval/FAMILY</c>), in name order.</summary>
    public static IReadOnlyList<ReferenceCase> Load(string family)
    {
        string root = Path.Combine(DataRoot, "eval", family);
        return Directory.GetDirectories(root).Order(StringComparer.Ordinal).Select(f => new ReferenceCase(family, f)).ToList();
    }

    /// <summary>True when the case has the named <c>.npy</c> file.</summary>
    public bool Has(string name) => File.Exists(Path.Combine(_folder, name + ".npy"));

    /// <summary>The named <c>.npy</c> file.</summary>
    public NpyArray Input(string name) => NpyArray.Read(Path.Combine(_folder, name + ".npy"));

    /// <summary>The named <c>.npy</c> file as f64.</summary>
    public double[] Expected(string name) => Input(name).ToFloat64();

    /// <summary>A numeric field of <c>meta.json</c>, or <paramref name="fallback"/>.</summary>
    public double MetaDouble(string name, double fallback) =>
        Meta.ValueKind == JsonValueKind.Object && Meta.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble()
            : fallback;

    /// <summary>A string field of <c>meta.json</c>, or null.</summary>
    public string? MetaString(string name) =>
        Meta.ValueKind == JsonValueKind.Object && Meta.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    /// <summary>An integer field of <c>meta.json</c>, or <paramref name="fallback"/>.</summary>
    public int MetaInt(string name, int fallback) => (int)MetaDouble(name, fallback);

    /// <summary>The row-statistics options recorded in <c>meta.json</c>.</summary>
    public RowStatisticsOptions RowStatisticsOptions() => new()
    {
        Temperature = MetaDouble("temperature", 1.0),
        IgnoreIndex = MetaInt("ignore_index", -100),
        TopK = MetaInt("top_k", 5),
        LabelSmoothing = MetaDouble("label_smoothing", 0.0),
    };

    private static string FindDataRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, "tests", "data");
                if (File.Exists(Path.Combine(directory.FullName, "UqKernels.sln")) && Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "tests", "data");
    }
}
