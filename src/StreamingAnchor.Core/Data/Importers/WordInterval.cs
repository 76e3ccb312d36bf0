namespace StreamingAnchor.Data.Importers;

/// <summary>A word with its time span in seconds, as forced aligners report it.</summary>
public sealed record WordInterval(string Word, double Start, double End);
