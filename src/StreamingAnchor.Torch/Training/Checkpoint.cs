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

    /// <param name="Averaged">The file also holds the optimiser's own weights after its state (a run with a weight average).</param>
    public sealed record Header(TrainingState State, IReadOnlyList<EpochMetrics> History, bool Averaged = false);

    /// <summary>
    /// Writes <paramref name="model"/>, the weights this epoch ships (a run's weight average when it keeps one), then the
    /// optimiser's state, then <paramref name="training"/>, the weights the optimiser steps, when they differ from the
    /// shipped ones: readers of the shipped weights stop after the first part and need not know about averaging.
    /// </summary>
    public static void Save(string path, Header header, nn.Module model, optim.Optimizer optimizer, nn.Module? training = null)
    {
        header = header with { Averaged = training is not null };
        AtomicFile.Write(path, tmp =>
        {
            using var stream = File.Create(tmp);
            using var writer = new BinaryWriter(stream, Encoding.UTF8);
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(header, ProjectJson.ResultLines));
            model.save(writer);
            ((OptimizerHelper)optimizer).save_state_dict(writer);
            training?.save(writer);
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

    /// <summary>Restores the weights the epoch ships (the average, for a run that keeps one) and returns the header.</summary>
    public static Header Load(string path, nn.Module model)
    {
        using var stream = Open(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var header = ReadHeader(reader, path);
        Read(path, () => model.load(reader));
        return header;
    }

    /// <summary>
    /// Restores what continuing the run needs: the optimiser's state, the weights it steps into <paramref name="model"/>
    /// and, when given, the shipped weights into <paramref name="average"/>. A file without an average (written by a run
    /// that kept none) starts the average at the weights; a file with one resumed without it restores only the weights.
    /// </summary>
    public static Header Resume(string path, nn.Module model, optim.Optimizer optimizer, nn.Module? average)
    {
        using var stream = Open(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var header = ReadHeader(reader, path);
        Read(path, () =>
        {
            (average ?? model).load(reader);
            ((OptimizerHelper)optimizer).load_state_dict(reader);
            if (header.Averaged)
            {
                model.load(reader);
            }
            else if (average is not null)
            {
                ModelCopy.Weights(average, model);
            }
        });
        return header;
    }

    private static void Read(string path, Action read)
    {
        try
        {
            read();
        }
        catch (Exception ex) when (ex is not IOException)
        {
            throw new InvalidDataException($"{path}: checkpoint does not match this model ({ErrorText.OneLine(ex.Message)})", ex);
        }
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
