using StreamingAnchor.Cli;
using StreamingAnchor.Tests.Data;

namespace StreamingAnchor.Tests.Cli;

/// <summary>The CLI's one error policy: exit codes, one line, whole messages, first causes of parallel failures.</summary>
public sealed class CommandActionTests
{
    public static TheoryData<Exception, int, string> Cases => new()
    {
        { new UsageException("--frames: must be at least 1"), 2, "error: --frames: must be at least 1" },
        { new ArgumentException("unknown kernel 'cosine'"), 2, "error: unknown kernel 'cosine'" },
        { new FormatException("m.jsonl:3: field 'event' is unknown. Did you mean 'events'?"), 1,
            "error: m.jsonl:3: field 'event' is unknown. Did you mean 'events'?" },
        { new InvalidDataException("a.wav: bad header\nsecond line"), 1, "error: a.wav: bad header second line" },
        { new AggregateException(new OperationCanceledException(), new SynthesisException("clip 7: espeak-ng exited with code 1")), 1,
            "error: clip 7: espeak-ng exited with code 1" },
        { new OperationCanceledException(), 130, "error: sal x: interrupted" },
        { new NullReferenceException("Object reference not set to an instance of an object."), 1,
            "error: sal x: unexpected NullReferenceException: Object reference not set to an instance of an object. (rerun with --verbose for the stack trace)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryFailureIsOneLineWithItsExitCode(Exception ex, int code, string line)
    {
        using var error = new StringWriter();
        Assert.Equal(code, CommandAction.Report(ex, "sal x", verbose: false, resumeHint: null, error));
        Assert.Equal(line, error.ToString().TrimEnd('\n'));
    }

    [Fact]
    public void VerboseAddsTheStackTraceOfAnUnexpectedError()
    {
        using var error = new StringWriter();
        Exception thrown;
        try
        {
            throw new InvalidCastException("boom");
        }
        catch (InvalidCastException ex)
        {
            thrown = ex;
        }
        CommandAction.Report(thrown, "sal x", verbose: true, resumeHint: null, error);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("error: sal x: unexpected InvalidCastException: boom", lines[0]);
        Assert.Contains(lines, l => l.Contains(nameof(VerboseAddsTheStackTraceOfAnUnexpectedError)));
    }

    [Fact]
    public void AnUnparsableCommandLineIsAUsageErrorOnOneLine()
    {
        var (code, stdout, stderr) = SalProcess.Run("train", "--no-such-flag");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("--no-such-flag", stderr);
    }
}
