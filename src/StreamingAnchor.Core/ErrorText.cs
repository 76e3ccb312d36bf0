namespace StreamingAnchor;

/// <summary>Exception text fit for a one-line error message.</summary>
public static class ErrorText
{
    /// <summary>
    /// The whole message on one line (lines joined with a space), without libtorch's C++ backtrace: cutting at the
    /// first '.' or newline loses the part that says what was wrong, while the backtrace says nothing to a user.
    /// </summary>
    public static string OneLine(string message)
    {
        var backtrace = message.IndexOf("Exception raised from", StringComparison.Ordinal);
        if (backtrace > 0)
        {
            message = message[..backtrace];
        }
        // libtorch's other backtrace form: one "frame #N: symbol" line per native frame after the message.
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .TakeWhile(l => !l.StartsWith("frame #", StringComparison.Ordinal));
        return string.Join(' ', lines);
    }
}
