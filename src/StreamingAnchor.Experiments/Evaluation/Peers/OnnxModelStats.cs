using Onnx;

namespace StreamingAnchor.Evaluation.Peers;

/// <summary>
/// Size of an ONNX model as a user would compare it with ours: the weights a 16 kHz stream actually runs
/// through, and the file size.
/// </summary>
/// <param name="Parameters">Elements of the float weights the model uses (initializers, and the tensors of
/// <c>Constant</c> nodes, where some exporters put every weight). Of an <c>If</c> node only the
/// heavier branch counts (Silero ships its 8 kHz and 16 kHz networks side by side and runs one), and
/// initializers whose name contains one of the excluded fragments (fixed DSP buffers such as an STFT basis,
/// the counterpart of our parameter-free front end) do not count.</param>
/// <param name="Bytes">Size of the .onnx file.</param>
public sealed record OnnxModelStats(long Parameters, long Bytes)
{
    public static OnnxModelStats Zero { get; } = new(0, 0);

    public static OnnxModelStats operator +(OnnxModelStats a, OnnxModelStats b) =>
        new(a.Parameters + b.Parameters, a.Bytes + b.Bytes);

    /// <summary>Reads <paramref name="path"/> and counts its weights.</summary>
    public static OnnxModelStats Measure(string path, params string[] excludedNameFragments)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is Google.Protobuf.InvalidProtocolBufferException or IOException)
        {
            throw new PeerModelUnavailableException($"{path}: not a readable ONNX model ({ex.Message})", ex);
        }
        var used = UsedInitializers(model.Graph, new Dictionary<string, TensorProto>(StringComparer.Ordinal));
        var parameters = used
            .Where(t => t.DataType == (int)TensorProto.Types.DataType.Float)
            .Where(t => !excludedNameFragments.Any(f => t.Name.Contains(f, StringComparison.Ordinal)))
            .Sum(Elements);
        return new OnnxModelStats(parameters, new FileInfo(path).Length);
    }

    private static long Elements(TensorProto t) => t.Dims.Aggregate(1L, (a, b) => a * b);

    private static HashSet<TensorProto> UsedInitializers(GraphProto graph, IReadOnlyDictionary<string, TensorProto> outer)
    {
        var scope = new Dictionary<string, TensorProto>(outer, StringComparer.Ordinal);
        foreach (var init in graph.Initializer)
        {
            scope[init.Name] = init;
        }
        var used = new HashSet<TensorProto>(ReferenceEqualityComparer.Instance);
        foreach (var node in graph.Node)
        {
            if (node.OpType == "Constant")
            {
                foreach (var a in node.Attribute.Where(a => a.T is not null))
                {
                    if (string.IsNullOrEmpty(a.T.Name) && node.Output.Count > 0)
                    {
                        a.T.Name = node.Output[0]; // so the name filter can still see what it is
                    }
                    used.Add(a.T);
                }
            }
            foreach (var input in node.Input)
            {
                if (scope.TryGetValue(input, out var t))
                {
                    used.Add(t);
                }
            }
            var branches = node.Attribute
                .SelectMany(a => a.G is null ? a.Graphs : a.Graphs.Append(a.G))
                .Select(g => UsedInitializers(g, scope))
                .ToList();
            if (branches.Count == 0)
            {
                continue;
            }
            if (node.OpType == "If")
            {
                used.UnionWith(branches.MaxBy(b => b.Sum(Elements))!);
            }
            else
            {
                foreach (var b in branches)
                {
                    used.UnionWith(b);
                }
            }
        }
        return used;
    }
}
