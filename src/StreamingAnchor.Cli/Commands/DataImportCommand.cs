using System.CommandLine;
using System.Globalization;
using StreamingAnchor.Data;
using StreamingAnchor.Data.Importers;

namespace StreamingAnchor.Cli.Commands;

/// <summary>`sal data import &lt;format&gt; ...`: Speech Commands, Kaldi data dirs, TextGrid and CTM alignments to a manifest.</summary>
internal static class DataImportCommand
{
    public static Command Create()
    {
        var command = new Command("import", "Write a JSONL manifest from a corpus layout (speech-commands, kaldi, textgrid, ctm)");
        command.Subcommands.Add(SpeechCommands());
        command.Subcommands.Add(Kaldi());
        command.Subcommands.Add(TextGrid());
        command.Subcommands.Add(Ctm());
        return command;
    }

    private static Option<string> Out() => new("--out", "-o") { Description = "Manifest to write (audio paths are made relative to it)", Required = true };

    private static Option<double> Fraction(string name, string split) =>
        new(name) { Description = $"Fraction of speakers (hashed, deterministic) assigned to {split}", DefaultValueFactory = _ => 0 };

    private static Command SpeechCommands()
    {
        var root = new Argument<string>("root") { Description = "Speech Commands folder (word folders, validation_list.txt, testing_list.txt)" };
        var output = Out();
        var words = new Option<string?>("--words") { Description = "Comma-separated word folders to import (default: all)" };
        var noiseOut = new Option<string?>("--noise-out") { Description = "Noise manifest for _background_noise_ (default: noise.jsonl beside --out)" };
        var command = new Command("speech-commands", "Google Speech Commands: events from the energy endpointer, splits from the official lists");
        command.Arguments.Add(root);
        command.Options.Add(output);
        command.Options.Add(words);
        command.Options.Add(noiseOut);
        CommandAction.Set(command, parse => Run(() =>
        {
            var outPath = parse.GetValue(output)!;
            var list = parse.GetValue(words)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var result = CliProgress.Run("importing", p => SpeechCommandsImporter.Import(parse.GetValue(root)!, outPath, list, progress: p));
            Write(outPath, result);
            if (result.Noise.Count > 0)
            {
                var noisePath = parse.GetValue(noiseOut) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outPath))!, "noise.jsonl");
                var rebased = result.Noise.Select(e => e with { Audio = Rebase(e.Audio, outPath, noisePath) }).ToList();
                Manifest.Save(noisePath, rebased);
                Console.WriteLine($"wrote {rebased.Count} noise recordings to {noisePath}");
            }
        }));
        return command;
    }

    private static Command Kaldi()
    {
        var dir = new Argument<string>("data-dir") { Description = "Kaldi data directory (wav.scp; optional segments, text, utt2spk)" };
        var output = Out();
        var label = new Option<string>("--segment-label") { Description = "Event label for segments ('none' for no segment events)", DefaultValueFactory = _ => "speech" };
        var ctm = new Option<string?>("--ctm") { Description = "CTM with word times, for keyword events" };
        var keyword = new Option<string?>("--keyword") { Description = "Keyword phrase to find in the CTM" };
        var dev = Fraction("--dev-fraction", "dev");
        var test = Fraction("--test-fraction", "test");
        var command = new Command("kaldi", "Kaldi data directory: recordings, segments as events, keyword events from a CTM");
        command.Arguments.Add(dir);
        foreach (var o in new Option[] { output, label, ctm, keyword, dev, test })
        {
            command.Options.Add(o);
        }
        CommandAction.Set(command, parse => Run(() =>
        {
            var outPath = parse.GetValue(output)!;
            var segmentLabel = parse.GetValue(label);
            var result = KaldiDataImporter.Import(parse.GetValue(dir)!, outPath, new KaldiImportOptions
            {
                SegmentLabel = segmentLabel == "none" ? null : segmentLabel,
                CtmPath = parse.GetValue(ctm),
                Keyword = parse.GetValue(keyword),
                Splits = new SplitAssigner(parse.GetValue(dev), parse.GetValue(test)),
            });
            Write(outPath, result);
        }));
        return command;
    }

    private static (Option<string> Keyword, Option<string?> Label, Option<string?> Speech, Option<bool> Only, Option<double> Dev, Option<double> Test) AlignmentOptions(Command command)
    {
        var keyword = new Option<string>("--keyword") { Description = "Keyword phrase whose word intervals become events", Required = true };
        var label = new Option<string?>("--label") { Description = "Event label (default: the keyword's words joined by '_')" };
        var speech = new Option<string?>("--speech-label") { Description = "Also add a speech event (first to last spoken word) with this label" };
        var only = new Option<bool>("--only-with-keyword") { Description = "Skip clips without the keyword instead of keeping them as negatives" };
        var dev = Fraction("--dev-fraction", "dev");
        var test = Fraction("--test-fraction", "test");
        foreach (var o in new Option[] { keyword, label, speech, only, dev, test })
        {
            command.Options.Add(o);
        }
        return (keyword, label, speech, only, dev, test);
    }

    private static AlignmentImportOptions Read(ParseResult parse, (Option<string> Keyword, Option<string?> Label, Option<string?> Speech, Option<bool> Only, Option<double> Dev, Option<double> Test) o) => new()
    {
        Keyword = parse.GetValue(o.Keyword)!,
        KeywordLabel = parse.GetValue(o.Label),
        SpeechLabel = parse.GetValue(o.Speech),
        OnlyWithKeyword = parse.GetValue(o.Only),
        Splits = new SplitAssigner(parse.GetValue(o.Dev), parse.GetValue(o.Test)),
    };

    private static Command TextGrid()
    {
        var audio = new Argument<string>("audio-dir") { Description = "Folder of WAV files (searched recursively)" };
        var align = new Argument<string>("textgrid-dir") { Description = "Folder of TextGrids (MFA output: same relative paths and base names)" };
        var output = Out();
        var tier = new Option<string>("--tier") { Description = "Tier holding the words", DefaultValueFactory = _ => "words" };
        var command = new Command("textgrid", "Praat TextGrid word alignments (Montreal Forced Aligner): keyword intervals become events");
        command.Arguments.Add(audio);
        command.Arguments.Add(align);
        command.Options.Add(output);
        command.Options.Add(tier);
        var o = AlignmentOptions(command);
        CommandAction.Set(command, parse => Run(() =>
        {
            var outPath = parse.GetValue(output)!;
            var options = Read(parse, o) with { Tier = parse.GetValue(tier)! };
            Write(outPath, AlignmentImporter.FromTextGrids(parse.GetValue(audio)!, parse.GetValue(align)!, outPath, options));
        }));
        return command;
    }

    private static Command Ctm()
    {
        var ctm = new Argument<string>("ctm") { Description = "CTM file (utterance channel start duration word [conf]); utterance = WAV base name" };
        var audio = new Argument<string>("audio-dir") { Description = "Folder of WAV files (searched recursively)" };
        var output = Out();
        var command = new Command("ctm", "CTM word alignments: keyword intervals become events");
        command.Arguments.Add(ctm);
        command.Arguments.Add(audio);
        command.Options.Add(output);
        var o = AlignmentOptions(command);
        CommandAction.Set(command, parse => Run(() =>
        {
            var outPath = parse.GetValue(output)!;
            Write(outPath, AlignmentImporter.FromCtm(parse.GetValue(ctm)!, parse.GetValue(audio)!, outPath, Read(parse, o)));
        }));
        return command;
    }

    private static string Rebase(string audio, string fromManifest, string toManifest)
    {
        var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(fromManifest))!, audio));
        return Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(toManifest))!, full);
    }

    private static void Write(string outPath, ImportResult result)
    {
        foreach (var reason in result.Skipped.Take(20))
        {
            Console.Error.WriteLine($"warning: skipped {reason}");
        }
        if (result.Skipped.Count > 20)
        {
            Console.Error.WriteLine($"warning: skipped ... and {result.Skipped.Count - 20} more");
        }
        if (result.Entries.Count == 0)
        {
            throw new InvalidDataException($"{outPath}: nothing to write, every clip was skipped");
        }
        Manifest.Save(outPath, result.Entries);
        var hours = result.Entries.Sum(e => e.Duration) / 3600;
        var splits = string.Join(", ", result.Entries.GroupBy(e => e.Split).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
        var events = result.Entries.Sum(e => e.Events.Count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {result.Entries.Count} clips ({hours:0.###} h; {splits}; {events} events) to {outPath}; skipped {result.Skipped.Count}"));
    }

    private static int Run(Action action)
    {
        action();
        return 0;
    }
}
