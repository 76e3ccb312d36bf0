using StreamingAnchor.Anchors;

namespace StreamingAnchor.Evaluation.Peers;

/// <summary>The peer a user would otherwise pick for a task: openWakeWord for a wake word, Silero VAD for speech onset.</summary>
public static class PeerFactory
{
    /// <summary>openWakeWord head file for a keyword ("hey jarvis" -> hey_jarvis_v0.1.onnx).</summary>
    public static string OpenWakeWordHeadFile(string keyword)
    {
        var file = PeerTestSet.NormalizeLabel(keyword).Replace(' ', '_') + "_v0.1.onnx";
        var heads = PeerModelCache.OpenWakeWordFiles.Where(f => f.Contains("_v0.1", StringComparison.Ordinal)).ToList();
        if (!heads.Contains(file))
        {
            throw new ArgumentException(
                $"openWakeWord has no model for \"{keyword}\" (available: {string.Join(", ", heads.Select(h => h.Replace("_v0.1.onnx", "").Replace('_', ' ')))})");
        }
        return file;
    }

    /// <param name="sileroVersion">4 (the openWakeWord package's file), 5 or 6.</param>
    public static IPeerDetector Create(TaskKind task, string? keyword, PeerModelCache cache, int noiseSeed = 0, int sileroVersion = 5,
        IProgress<string>? progress = null) =>
        task switch
        {
            TaskKind.Kws => new OpenWakeWordDetector(
                OpenWakeWordModel.FromCache(cache, OpenWakeWordHeadFile(keyword ?? throw new ArgumentException("kws needs a keyword")), progress),
                noiseSeed),
            TaskKind.Onset => new SileroVadDetector(SileroVadModel.FromCache(cache, sileroVersion, progress)),
            _ => throw new ArgumentException($"peers cover the tasks kws and onset, not {task.Name()}"),
        };
}
