using System.CommandLine;
using System.Runtime.InteropServices;
using StreamingAnchor.Cli.Output;
using StreamingAnchor.Evaluation.Peers;
using StreamingAnchor.Training;

namespace StreamingAnchor.Cli;

/// <summary>
/// The one error policy of every `sal` command: a failure is one stderr line (the whole message, newlines folded), exit 2
/// for usage errors, 1 for bad input or a failed run, 130 for an interrupt. Unexpected exceptions name the command and
/// the exception type; `--verbose` adds the stack trace. Parallel stages' aggregates are reported by their first real cause.
/// </summary>
internal static class CommandAction
{
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Interrupted = 130;

    /// <summary>Global flag: print the stack trace of an unexpected error.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "On an unexpected error, print its stack trace too",
        Recursive = true,
    };

    /// <summary>Sets <paramref name="action"/> as the command's action under the policy.</summary>
    /// <param name="resumeHint">What to tell the user after a libtorch failure (how to continue), for commands that train.</param>
    public static void Set(Command command, Func<ParseResult, int> action, string? resumeHint = null) =>
        command.SetAction(parse => Run(parse, () => action(parse), resumeHint));

    private static int Run(ParseResult parse, Func<int> action, string? resumeHint)
    {
        try
        {
            return action();
        }
        catch (Exception ex)
        {
            return Report(ex, CommandName(parse), parse.GetValue(Verbose), resumeHint, Console.Error);
        }
    }

    /// <summary>Writes the error line for <paramref name="ex"/> and returns the exit code.</summary>
    public static int Report(Exception ex, string command, bool verbose, string? resumeHint, TextWriter error)
    {
        var cause = FirstCause(ex);
        switch (cause)
        {
            case UsageException or ArgumentException:
                error.WriteLine($"error: {ErrorText.OneLine(cause.Message)}");
                return Usage;
            case OperationCanceledException:
                error.WriteLine($"error: {command}: interrupted");
                return Interrupted;
            case ExternalException external when resumeHint is not null:
                return LibTorchFailure.Report(external, resumeHint);
            case IOException or UnauthorizedAccessException or FormatException or InvalidDataException or InvalidOperationException
                or NotSupportedException or SynthesisException or StreamingAnchor.Cluster.SlurmException or PeerModelUnavailableException or NonFiniteLossException
                or System.Text.Json.JsonException:
                error.WriteLine($"error: {ErrorText.OneLine(cause.Message)}");
                if (verbose)
                {
                    error.WriteLine(cause.ToString());
                }
                return Failure;
            default:
                error.WriteLine($"error: {command}: unexpected {cause.GetType().Name}: {ErrorText.OneLine(cause.Message)}"
                                + (verbose ? "" : " (rerun with --verbose for the stack trace)"));
                if (verbose)
                {
                    error.WriteLine(cause.ToString());
                }
                return Failure;
        }
    }

    /// <summary>
    /// The error line for one item of a batch that goes on past it (a WAV of `sal stream --wav-dir`): the whole reason,
    /// naming the item when the message does not already.
    /// </summary>
    public static string ItemError(Exception e, string item)
    {
        var message = ErrorText.OneLine(FirstCause(e).Message);
        return message.Contains(Path.GetFileName(item), StringComparison.Ordinal) ? $"error: {message}" : $"error: {item}: {message}";
    }

    /// <summary>The first exception that is not a wrapper: aggregates from parallel stages and reflection wrappers.</summary>
    public static Exception FirstCause(Exception ex)
    {
        while (true)
        {
            switch (ex)
            {
                case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                    // Cancellations of sibling tasks follow the real failure; report the failure.
                    ex = aggregate.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) ?? aggregate.InnerExceptions[0];
                    break;
                case System.Reflection.TargetInvocationException { InnerException: { } inner }:
                    ex = inner;
                    break;
                default:
                    return ex;
            }
        }
    }

    private static string CommandName(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command.Name);
        }
        names.Reverse();
        if (names.Count > 0)
        {
            names[0] = "sal";
        }
        return string.Join(' ', names);
    }
}
