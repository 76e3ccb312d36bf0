namespace StreamingAnchor.Models;

/// <summary>Builds the streaming model a config describes, for a given input width and number of classes.</summary>
public static class ModelFactory
{
    public static StreamingModel Create(ModelConfig config, int inputDim, int numClasses)
    {
        if (inputDim < 1)
        {
            throw new ArgumentException($"input width must be positive, got {inputDim}");
        }

        if (numClasses < 1)
        {
            throw new ArgumentException($"number of classes must be positive, got {numClasses}");
        }

        config.Validate();

        var family = config.Family;
        var preset = ModelPreset.Get(family, config.Preset);
        var hidden = config.Hidden ?? preset.Hidden;
        var layers = config.Layers ?? preset.Layers;
        var channels = config.Channels ?? preset.Channels;
        var kernel = config.Kernel ?? preset.Kernel;
        if (hidden < 1 || layers < 1)
        {
            throw new ArgumentException($"hidden ({hidden}) and layers ({layers}) must be positive");
        }

        if (family is ModelFamily.Gru or ModelFamily.Lstm or ModelFamily.Crnn && layers > 3)
        {
            throw new ArgumentException($"{family.Name()} supports 1-3 recurrent layers, got {layers}");
        }

        if (family is ModelFamily.Tcn or ModelFamily.Dscnn or ModelFamily.Crnn && kernel < 1)
        {
            throw new ArgumentException($"kernel must be positive, got {kernel}");
        }

        var stack = new List<StreamingLayer>();
        var width = inputDim;
        void Add(StreamingLayer layer)
        {
            stack.Add(layer);
            width = layer.OutputDim;
        }

        void MaybeDropout()
        {
            if (config.Dropout > 0)
            {
                Add(new DropoutLayer(width, config.Dropout));
            }
        }

        if (config.RunningMeanFrames is { } meanFrames)
        {
            Add(new RunningMeanLayer(width, meanFrames));
        }

        switch (family)
        {
            case ModelFamily.Gru:
            case ModelFamily.Lstm:
                for (var i = 0; i < layers; i++)
                {
                    Add(family == ModelFamily.Gru ? new GruLayer(width, hidden) : new LstmLayer(width, hidden));
                    MaybeDropout();
                }

                break;
            case ModelFamily.Tcn:
                // kws_streaming / wekws style: 1x1 projection, then residual blocks of a dilated conv and a 1x1 conv.
                Add(new CausalConvLayer(width, hidden, 1, 1, 1, relu: true));
                for (var i = 0; i < layers; i++)
                {
                    var block = new List<StreamingLayer>
                    {
                        new CausalConvLayer(hidden, hidden, kernel, 1 << (i % 6), 1, relu: true),
                        new CausalConvLayer(hidden, hidden, 1, 1, 1, relu: true),
                    };
                    if (config.Dropout > 0)
                    {
                        block.Add(new DropoutLayer(hidden, config.Dropout));
                    }

                    Add(new ResidualLayer(block));
                }

                break;
            case ModelFamily.Dscnn:
                Add(new CausalConvLayer(width, hidden, 3, 1, 1, relu: true));
                for (var i = 0; i < layers; i++)
                {
                    var block = new List<StreamingLayer>
                    {
                        new CausalConvLayer(hidden, hidden, kernel, 1 << (i % 5), hidden, relu: false),
                        new CausalConvLayer(hidden, hidden, 1, 1, 1, relu: true),
                    };
                    if (config.Dropout > 0)
                    {
                        block.Add(new DropoutLayer(hidden, config.Dropout));
                    }

                    Add(new ResidualLayer(block));
                }

                break;
            case ModelFamily.Crnn:
                Add(new CausalConvLayer(width, channels, kernel, 1, 1, relu: true));
                MaybeDropout();
                for (var i = 0; i < layers; i++)
                {
                    Add(new GruLayer(width, hidden));
                    MaybeDropout();
                }

                break;
            default:
                throw new ArgumentException($"unknown model family '{config.Family}'");
        }

        Add(new LinearLayer(width, numClasses));
        return new StackedStreamingModel(config, stack);
    }
}
