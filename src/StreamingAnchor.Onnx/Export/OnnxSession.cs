using Microsoft.ML.OnnxRuntime;

namespace StreamingAnchor.Export;

/// <summary>Opens our exports in ONNX Runtime the one way streaming needs: sequential, a fixed thread count, all graph optimisations.</summary>
public static class OnnxSession
{
    /// <summary>The session of an export; a missing or unloadable file is one error line naming it.</summary>
    public static InferenceSession Open(string path, int intraOpThreads = 1)
    {
        using var options = Options(intraOpThreads);
        return Open(path, options);
    }

    /// <summary>
    /// Nodes ONNX Runtime runs for an export after its graph optimisations (fusions such as Gemm + ReLU), which is
    /// what a call pays per node; <paramref name="scratchPath"/> receives the optimised model and is deleted.
    /// </summary>
    public static int OptimizedNodeCount(string path, string scratchPath)
    {
        using var options = Options(1);
        options.OptimizedModelFilePath = scratchPath;
        // ONNX Runtime warns that an optimised model may hold hardware-specific layouts; it is only counted here.
        options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
        try
        {
            using (Open(path, options))
            {
            }

            return Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(scratchPath)).Graph.Node.Count;
        }
        finally
        {
            File.Delete(scratchPath);
        }
    }

    private static SessionOptions Options(int intraOpThreads) => new()
    {
        IntraOpNumThreads = intraOpThreads,
        InterOpNumThreads = 1,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    };

    private static InferenceSession Open(string path, SessionOptions options)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: not found", path);
        }

        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path}: not a loadable ONNX model ({ErrorText.OneLine(e.Message)})", e);
        }
    }

    /// <summary>A metadata value the export must carry; its absence names the key and the command that writes it.</summary>
    public static string Required(IReadOnlyDictionary<string, string> metadata, string key, string path, string writer) =>
        metadata.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"{path}: metadata '{key}' missing (was it written by `{writer}`?)");
}
