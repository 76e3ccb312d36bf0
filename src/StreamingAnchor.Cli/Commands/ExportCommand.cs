using System.CommandLine;
using StreamingAnchor.Export;
using StreamingAnchor.Models;

namespace StreamingAnchor.Cli.Commands;

/// <summary>`sal export --run RUN --onnx model.onnx`: the streaming step as a standalone ONNX graph.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run directory to export", Required = true };
        var onnx = new Option<string>("--onnx") { Description = "ONNX file to write (state as explicit inputs/outputs)", Required = true };
        var command = new Command("export", "Export a run's streaming step to ONNX, with its front end and normaliser in the metadata");
        command.Options.Add(run);
        command.Options.Add(onnx);
        CommandAction.Set(command, parse =>
        {
            var runPath = parse.GetValue(run)!;
            var onnxPath = parse.GetValue(onnx)!;
            try
            {
                if (!Directory.Exists(runPath))
                {
                    throw new DirectoryNotFoundException($"{runPath}: run directory not found");
                }

                var directory = new RunDirectory(runPath);
                OnnxExporter.ExportRun(directory, onnxPath);
                using var check = new OnnxStreamingModel(onnxPath);
                Console.WriteLine($"wrote {onnxPath}: {check.InputDim} inputs, {check.NumClasses} outputs, look-ahead {check.LookAhead}, " +
                                  $"{check.StateShapes.Count} state tensors ({check.StateShapes.Sum(s => s.Aggregate(1L, (a, b) => a * b))} floats)" +
                                  (check.FrontEndJson is null || check.NormalizerJson is null ? "; warning: no front end or normaliser in the run, sal stream --onnx will refuse it" : ""));
                return 0;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or NotSupportedException or UnauthorizedAccessException)
            {
                var message = CommandAction.OneLine(e.Message);
                Console.Error.WriteLine($"error: {(message.Contains(Path.GetFileName(Path.TrimEndingDirectorySeparator(runPath)), StringComparison.Ordinal) ? message : $"{runPath}: {message}")}");
                return 1;
            }
        });
        return command;
    }
}
