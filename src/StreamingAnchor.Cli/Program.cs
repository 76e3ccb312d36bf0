using System.CommandLine;
using StreamingAnchor;
using StreamingAnchor.Cli;
using StreamingAnchor.Cli.Commands;
using StreamingAnchor.Models;

// Before anything loads libtorch (and with it libgomp and MKL, which read these once): see TorchRuntime.
TorchRuntime.PreferPassiveOpenMpWait();
TorchRuntime.PinMklCodeBranch();

var root = new RootCommand("sal: train, evaluate and deploy streaming speech detectors with the Streaming Anchor Loss family");
root.Options.Add(CommandAction.Verbose);
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // A command line that does not parse is a usage error: one line, exit 2, nothing run.
    var problems = string.Join("; ", parse.Errors.Select(e => ErrorText.OneLine(e.Message).TrimEnd('.')));
    Console.Error.WriteLine($"error: {problems} (see `sal {string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')))} --help`)");
    return CommandAction.Usage;
}
return parse.Invoke();
