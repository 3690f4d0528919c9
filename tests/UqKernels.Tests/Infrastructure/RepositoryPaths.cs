namespace UqKernels.Tests.Infrastructure;

/// <summary>Locates checked-in test data from the test binary's folder.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root (the folder holding UqKernels.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The <c>tests/data</c> folder.</summary>
    public static string Data => Path.Combine(Root, "tests", "data");

    private static string FindRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "UqKernels.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No UqKernels.sln above {AppContext.BaseDirectory}.");
    }
}
