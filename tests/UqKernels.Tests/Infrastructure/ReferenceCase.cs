using System.Text.Json;
using UqKernels.IO;

namespace UqKernels.Tests.Infrastructure;

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

    public string Name { get; }

    public JsonElement Meta { get; }

    public string DType { get; }

    /// <summary>Every case of a family, in name order.</summary>
    public static IReadOnlyList<ReferenceCase> Load(string family)
    {
        string root = Path.Combine(RepositoryPaths.Data, "entropy", family);
        return Directory.GetDirectories(root).Order(StringComparer.Ordinal).Select(f => new ReferenceCase(family, f)).ToList();
    }

    public bool Has(string name) => File.Exists(Path.Combine(_folder, name + ".npy"));

    public NpyArray Input(string name) => NpyArray.Read(Path.Combine(_folder, name + ".npy"));

    public double[] Expected(string name) => Input(name).ToFloat64();

    public double MetaDouble(string name, double fallback) =>
        Meta.ValueKind == JsonValueKind.Object && Meta.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble()
            : fallback;

    public int MetaInt(string name, int fallback) => (int)MetaDouble(name, fallback);

    public RowStatisticsOptions RowStatisticsOptions() => new()
    {
        Temperature = MetaDouble("temperature", 1.0),
        IgnoreIndex = MetaInt("ignore_index", -100),
        TopK = MetaInt("top_k", 5),
        LabelSmoothing = MetaDouble("label_smoothing", 0.0),
    };
}
