namespace StreamingAnchor.Cluster;

/// <summary>POSIX shell quoting for the job scripts sal writes.</summary>
public static class Shell
{
    /// <summary>The word as the shell reads it back: bare when only safe characters, else single-quoted.</summary>
    public static string Quote(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '=' or ':' or ',' or '+' or '@'))
        {
            return word;
        }
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
