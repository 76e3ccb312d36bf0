using System.CommandLine;
using StreamingAnchor.Cli.Commands;

var root = new RootCommand("sal: train, evaluate and deploy streaming speech detectors with the Streaming Anchor Loss family");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}
return root.Parse(args).Invoke();
