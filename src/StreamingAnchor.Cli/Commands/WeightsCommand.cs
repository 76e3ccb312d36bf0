using System.CommandLine;
using System.Globalization;
using StreamingAnchor.Anchors;
using StreamingAnchor.Losses;

namespace StreamingAnchor.Cli.Commands;

/// <summary>`sal weights`: the per-frame weight curve of a loss config around one or more anchors, as CSV or a PNG.</summary>
internal static class WeightsCommand
{
    public static Command Create()
    {
        var kind = EnumOption.Create<LossKind>("--loss", "loss kind", "Loss kind (ce, sal; focal kinds are shown at p = 1/2; default sal)");
        var kernel = EnumOption.Create<KernelShape>("--kernel", "kernel", "exp, gaussian, triangular or box (default exp)");
        var tau = new Option<double>("--tau") { Description = "Kernel spread in frames (tau, sigma or half-width W)", DefaultValueFactory = _ => 8 };
        var tauBefore = new Option<double?>("--tau-before") { Description = "Spread before the anchor (0: nothing before it)" };
        var tauAfter = new Option<double?>("--tau-after") { Description = "Spread after the anchor (0: nothing after it)" };
        var maxDistance = new Option<double?>("--max-distance") { Description = "Frames farther than this from every anchor get significance 0" };
        var anchorShift = new Option<double?>("--anchor-shift") { Description = "Move every anchor by this many frames (negative: earlier) before the significance" };
        var lambda = new Option<double>("--lambda") { Description = "Anchor emphasis: weight 1 + lambda s", DefaultValueFactory = _ => 4 };
        var gamma = new Option<double>("--gamma") { Description = "Focal exponent (focal kinds)", DefaultValueFactory = _ => 2 };
        var frames = new Option<int>("--frames") { Description = "Frames in the sequence", DefaultValueFactory = _ => 60 };
        var anchor = new Option<double[]>("--anchor")
        {
            Description = "Anchor frame (fractional, may lie outside the sequence); repeat for several", AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [],
        };
        var png = new Option<string?>("--png") { Description = "Draw the curve into this PNG file instead of printing CSV" };
        var command = new Command("weights", "Print the per-frame loss weights around anchors as CSV lines frame,weight (or draw them)");
        foreach (var option in new Option[] { kind, kernel, tau, tauBefore, tauAfter, maxDistance, anchorShift, lambda, gamma, frames, anchor, png })
        {
            command.Options.Add(option);
        }

        CommandAction.Set(command, parse =>
        {
            var config = new LossConfig
            {
                Kind = parse.GetValue(kind) ?? LossKind.Sal, Kernel = parse.GetValue(kernel) ?? KernelShape.Exponential, Tau = parse.GetValue(tau), TauBefore = parse.GetValue(tauBefore),
                TauAfter = parse.GetValue(tauAfter), MaxDistance = parse.GetValue(maxDistance), AnchorShift = parse.GetValue(anchorShift) ?? 0, Lambda = parse.GetValue(lambda),
                Gamma = parse.GetValue(gamma),
            };
            var anchors = parse.GetValue(anchor) ?? [];
            var pngPath = parse.GetValue(png);
            if (config.Kind == LossKind.MaxPool)
            {
                throw new UsageException("--loss maxpool has no per-frame weight curve (it pays at the peak frame only)");
            }
            var weights = WeightCurve.Compute(config, parse.GetValue(frames), anchors);

            if (pngPath is not null)
            {
                var title = $"{config.Kind.Name()}: {config.Kernel.Name()}, tau {config.Tau}, lambda {config.Lambda}, anchors [{string.Join(", ", anchors)}]";
                try
                {
                    WeightCurve.SavePng(pngPath, weights, anchors, title);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The writer's message may not say which file; the policy's one line should.
                    throw new IOException($"{pngPath}: {ErrorText.OneLine(e.Message)}", e);
                }
                Console.Error.WriteLine($"weights: wrote {pngPath}");
                return 0;
            }

            var output = new System.Text.StringBuilder();
            output.AppendLine("frame,weight");
            for (var t = 0; t < weights.Length; t++)
            {
                output.Append(t.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .AppendLine(weights[t].ToString("0.######", CultureInfo.InvariantCulture));
            }
            Console.Write(output);
            return 0;
        });
        return command;
    }
}
