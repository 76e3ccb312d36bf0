namespace StreamingAnchor.Export;

/// <summary>Keys of the metadata_props an exported streaming step carries, so the .onnx file runs on its own.</summary>
public static class OnnxMetadata
{
    public const string FormatVersion = "sal.format_version";

    /// <summary>The newest features-graph format this build writes and reads (OnnxExporter.FormatVersion); kept here so
    /// the ONNX Runtime side checks it without referencing the Torch-side exporter.</summary>
    public const int FeaturesGraphFormatVersion = 2;
    public const string ModelJson = "sal.model_json";
    public const string InputDim = "sal.input_dim";
    public const string NumClasses = "sal.num_classes";
    public const string LookAhead = "sal.lookahead";
    public const string Labels = "sal.labels";

    /// <summary>JSON array of the state shapes for one stream (batch 1), in input order state_in_0, state_in_1, ...</summary>
    public const string StateShapes = "sal.state_shapes";

    /// <summary>JSON array: which axis of each state tensor is the batch axis.</summary>
    public const string StateBatchAxes = "sal.state_batch_axes";

    /// <summary>"1" when the features graph takes exactly one frame per call (input [B, 1, F]); absent: any number.</summary>
    public const string FramesPerCall = "sal.frames_per_call";

    /// <summary>The run's normalizer.json document (absent when the run had none).</summary>
    public const string Normalizer = "sal.normalizer";

    /// <summary>The run's frontend.json document (absent when the run had none).</summary>
    public const string FrontEnd = "sal.frontend";

    /// <summary>"features" (frames of normalised log-mel in) or "raw_audio" (samples in, the front end inside).</summary>
    public const string Graph = "sal.graph";

    public const string FeaturesGraph = "features";
    public const string RawAudioGraph = "raw_audio";

    /// <summary>Raw-audio graphs: samples per frame hop; every call's audio must be a whole number of hops.</summary>
    public const string HopSamples = "sal.hop_samples";

    /// <summary>Raw-audio graphs: the causal moving average the score output applies, in frames.</summary>
    public const string SmoothingFrames = "sal.smoothing_frames";

    /// <summary>Raw-audio graphs: JSON array of the state pairs (input, output, shape, type), see <see cref="RawAudioState"/>.</summary>
    public const string StateTensors = "sal.state_tensors";

    public const string Input = "input";
    public const string Output = "output";

    public const string Audio = "audio";
    public const string AudioStateIn = "audio_state_in";
    public const string AudioStateOut = "audio_state_out";
    public const string PositionIn = "position_in";
    public const string PositionOut = "position_out";
    public const string SmoothIn = "smooth_in";
    public const string SmoothOut = "smooth_out";
    public const string Posteriors = "posteriors";
    public const string Score = "score";
    public const string Features = "features";

    /// <summary>
    /// The metadata_props of an ONNX file, read with the protobuf classes (no session, no runtime): to tell the graph kinds
    /// apart before loading. Fails naming the file when it is not an ONNX model.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: not found", path);
        }

        try
        {
            using var stream = File.OpenRead(path);
            var model = Onnx.ModelProto.Parser.ParseFrom(stream);
            return model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path}: not a loadable ONNX model ({e.Message})", e);
        }
    }

    /// <summary>True for a raw-audio export (<see cref="RawAudioExporter"/>).</summary>
    public static bool IsRawAudio(string path) => Read(path).GetValueOrDefault(Graph) == RawAudioGraph;

    public static string StateIn(int i) => $"state_in_{i}";

    public static string StateOut(int i) => $"state_out_{i}";
}
