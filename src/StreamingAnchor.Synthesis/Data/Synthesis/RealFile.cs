namespace StreamingAnchor.Data.Synthesis;

/// <summary>One recording of a real source; <see cref="Id"/> (source:relative path) is what splits are made over.</summary>
public sealed record RealFile(RealSource Source, string RelativePath, string FullPath)
{
    public string Id => $"{Source.Name}:{RelativePath}";
}
