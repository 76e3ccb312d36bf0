using Google.Protobuf;
using Onnx;

namespace StreamingAnchor.Export;

/// <summary>Small helper over the ONNX protobuf types: unique names, initializers, nodes with attributes, typed I/O.</summary>
internal sealed class OnnxGraphBuilder
{
    private int counter;

    public GraphProto Graph { get; } = new() { Name = "streaming_step" };

    public string Fresh(string hint) => $"{hint}_{counter++}";

    public string Floats(string hint, float[] data, params long[] dims)
    {
        if (data.Length != dims.Aggregate(1L, (a, b) => a * b))
        {
            throw new ArgumentException($"initializer {hint}: {data.Length} values do not fill [{string.Join(",", dims)}]");
        }

        var tensor = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(data);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string Int64s(string hint, params long[] data)
    {
        var tensor = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(data.Length);
        tensor.Int64Data.AddRange(data);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>An int64 constant of the given shape (index tensors for Gather).</summary>
    public string Int64Tensor(string hint, long[] data, params long[] dims)
    {
        if (data.Length != dims.Aggregate(1L, (a, b) => a * b))
        {
            throw new ArgumentException($"initializer {hint}: {data.Length} values do not fill [{string.Join(",", dims)}]");
        }

        var tensor = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(data);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A 0-d int64 constant (Range and Squeeze want scalars).</summary>
    public string Int64Scalar(string hint, long value)
    {
        var tensor = new TensorProto { Name = Fresh(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Int64Data.Add(value);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node; outputs get fresh names unless given. Returns the output names.</summary>
    public string[] Node(string op, IEnumerable<string> inputs, int outputs = 1, string[]? outputNames = null, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Fresh(op) };
        node.Input.AddRange(inputs);
        var names = outputNames ?? Enumerable.Range(0, outputs).Select(_ => Fresh(op.ToLowerInvariant())).ToArray();
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return names;
    }

    public string Op(string op, params string[] inputs) => Node(op, inputs)[0];

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Str(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>A float tensor input or output; a dimension is a fixed size (long) or a symbolic name (string).</summary>
    public static ValueInfoProto FloatValue(string name, params object[] dims) => TypedValue(name, TensorProto.Types.DataType.Float, dims);

    /// <summary>An int64 tensor input or output (counters).</summary>
    public static ValueInfoProto Int64Value(string name, params object[] dims) => TypedValue(name, TensorProto.Types.DataType.Int64, dims);

    private static ValueInfoProto TypedValue(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
