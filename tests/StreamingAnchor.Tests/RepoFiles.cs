namespace StreamingAnchor.Tests;

/// <summary>Files committed to the repository (shipped models, conformance scripts), found from the test binaries upwards.</summary>
public static class RepoFiles
{
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StreamingAnchor.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"{AppContext.BaseDirectory}: no StreamingAnchor.slnx above the test folder");
    }
}
