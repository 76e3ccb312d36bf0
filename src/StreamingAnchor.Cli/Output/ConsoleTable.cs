using Spectre.Console;

namespace StreamingAnchor.Cli.Output;

/// <summary>A table as a Spectre grid on a terminal and as separated plain lines when redirected (logs and scripts read it).</summary>
internal static class ConsoleTable
{
    public static void Write(IReadOnlyList<string> header, IEnumerable<IEnumerable<string>> rows, string redirectedSeparator = "\t")
    {
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine(string.Join(redirectedSeparator, header));
            foreach (var row in rows)
            {
                Console.WriteLine(string.Join(redirectedSeparator, row));
            }
            return;
        }

        var table = new Table();
        foreach (var h in header)
        {
            table.AddColumn(new TableColumn(Markup.Escape(h)));
        }
        foreach (var row in rows)
        {
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }
        AnsiConsole.Write(table);
    }
}
