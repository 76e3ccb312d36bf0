using System.Text;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamingAnchor.Training;

/// <summary>
/// One file holding everything an exact resume needs: the training state and metric history (JSON), the model's
/// weights and the optimiser's moments. Written atomically, so a kill at any moment leaves the previous file intact.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "SAL-CHECKPOINT-1";
    // Headers written before one casing (PascalCase) still resume.
    private static readonly JsonSerializerOptions ReadJson = ProjectJson.AnyCase(ProjectJson.ResultLines);

    public sealed record Header(TrainingState State, IReadOnlyList<EpochMetrics> History);

    public static void Save(string path, Header header, nn.Module model, optim.Optimizer optimizer)
    {
        AtomicFile.Write(path, tmp =>
        {
            using var stream = File.Create(tmp);
            using var writer = new BinaryWriter(stream, Encoding.UTF8);
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(header, ProjectJson.ResultLines));
            model.save(writer);
            ((OptimizerHelper)optimizer).save_state_dict(writer);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        });
    }

    /// <summary>Reads the header only (cheap: for resume decisions and reports).</summary>
    public static Header ReadHeader(string path)
    {
        using var stream = Open(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        return ReadHeader(reader, path);
    }

    /// <summary>Restores weights (and the optimiser when given) and returns the header.</summary>
    public static Header Load(string path, nn.Module model, optim.Optimizer? optimizer)
    {
        using var stream = Open(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var header = ReadHeader(reader, path);
        try
        {
            model.load(reader);
            if (optimizer is not null)
            {
                ((OptimizerHelper)optimizer).load_state_dict(reader);
            }
        }
        catch (Exception ex) when (ex is not IOException)
        {
            throw new InvalidDataException($"{path}: checkpoint does not match this model ({ErrorText.OneLine(ex.Message)})", ex);
        }
        return header;
    }

    private static FileStream Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: checkpoint not found", path);
        }
        return File.OpenRead(path);
    }

    private static Header ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            if (reader.ReadString() != Magic)
            {
                throw new InvalidDataException($"{path}: not a StreamingAnchor checkpoint");
            }
            return JsonSerializer.Deserialize<Header>(reader.ReadString(), ReadJson)
                   ?? throw new InvalidDataException($"{path}: empty checkpoint header");
        }
        catch (Exception ex) when (ex is EndOfStreamException or JsonException)
        {
            throw new InvalidDataException($"{path}: truncated or corrupt checkpoint", ex);
        }
    }
}
