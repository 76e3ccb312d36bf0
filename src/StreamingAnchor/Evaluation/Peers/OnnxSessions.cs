using Microsoft.ML.OnnxRuntime;

namespace StreamingAnchor.Evaluation.Peers;

/// <summary>Opens peer models on one CPU thread, so their real-time factor compares with ours on equal terms.</summary>
public static class OnnxSessions
{
    public static InferenceSession OpenSingleThreaded(string path)
    {
        if (!File.Exists(path))
        {
            throw new PeerModelUnavailableException($"{path}: model file not found");
        }
        var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new PeerModelUnavailableException($"{path}: OnnxRuntime cannot load it ({ErrorText.OneLine(ex.Message)})", ex);
        }
        finally
        {
            options.Dispose();
        }
    }

    /// <summary>The only input (or output) name of a session, read from its metadata rather than assumed.</summary>
    public static string Single(IReadOnlyDictionary<string, NodeMetadata> metadata, string path, string what)
    {
        if (metadata.Count != 1)
        {
            throw new PeerModelUnavailableException(
                $"{path}: expected one {what}, found {metadata.Count} ({string.Join(", ", metadata.Keys)})");
        }
        return metadata.Keys.First();
    }
}
