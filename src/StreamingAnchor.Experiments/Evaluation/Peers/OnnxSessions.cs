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
        try
        {
            return Export.OnnxSession.Open(path, intraOpThreads: 1);
        }
        catch (InvalidDataException ex)
        {
            throw new PeerModelUnavailableException(ex.Message, ex);
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
