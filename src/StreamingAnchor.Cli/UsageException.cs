namespace StreamingAnchor.Cli;

/// <summary>A command line that cannot run as given (missing or conflicting flags, a bad flag value): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
