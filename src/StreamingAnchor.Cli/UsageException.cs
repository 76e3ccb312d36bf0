namespace StreamingAnchor.Cli;

/// <summary>
/// A command line that cannot run as given (missing or conflicting flags, a bad flag value, a `--config` file that
/// cannot be read or names a field wrongly): exit code 2.
/// </summary>
internal sealed class UsageException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// Reads the file a flag names (<paramref name="read"/>) as part of the command line: when it is missing,
    /// unreadable or has a wrong field, the command line is what is wrong, so the library's one-line reason (file, line,
    /// field, what was expected) becomes a usage error, prefixed with the flag (none: the reason alone).
    /// </summary>
    public static T OfFlagFile<T>(string? flag, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or InvalidDataException
                                      or System.Text.Json.JsonException)
        {
            throw new UsageException(flag is null ? ErrorText.OneLine(e.Message) : $"{flag}: {ErrorText.OneLine(e.Message)}", e);
        }
    }
}
