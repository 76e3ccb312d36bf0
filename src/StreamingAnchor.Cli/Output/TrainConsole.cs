using Spectre.Console;
using StreamingAnchor.Training;

namespace StreamingAnchor.Cli.Output;

/// <summary>
/// Training progress on stderr (stdout keeps the results: the command's final line): a live Spectre bar per epoch on a
/// terminal, plain lines otherwise.
/// </summary>
internal static class TrainConsole
{
    public static TrainingState Run(string title, Func<IProgress<TrainProgress>, IProgress<(int Done, int Total)>, TrainingState> train)
    {
        var loading = new Inline<(int Done, int Total)>(p =>
        {
            if (p.Done == p.Total || p.Done % Math.Max(1, p.Total / 4) == 0)
            {
                Console.Error.WriteLine($"{title}: features {p.Done}/{p.Total} clips");
            }
        });
        var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsErrorRedirected || !stderr.Profile.Capabilities.Interactive)
        {
            var lastDecile = -1;
            return train(new Inline<TrainProgress>(p =>
            {
                if (p.Finished is { } f)
                {
                    Console.Error.WriteLine(FormattableString.Invariant(
                        $"{title}: epoch {f.Epoch}/{p.Epochs} loss {f.TrainLoss:0.0000} dev loss {f.DevLoss:0.0000} dev metric {f.DevMetric:0.0000}{(f.Best ? " (best)" : "")} lr {f.LearningRate:0.######} {f.FramesPerSecond:0} frames/s {f.Seconds:0.0}s"));
                    lastDecile = -1;
                    return;
                }
                var decile = p.Batch * 4 / Math.Max(1, p.Batches);
                if (decile != lastDecile && p.Batch < p.Batches)
                {
                    lastDecile = decile;
                    Console.Error.WriteLine(FormattableString.Invariant(
                        $"{title}: epoch {p.Epoch}/{p.Epochs} batch {p.Batch}/{p.Batches} loss {p.Loss:0.0000} lr {p.LearningRate:0.######} {p.FramesPerSecond:0} frames/s ETA {p.Eta:mm\\:ss}"));
                }
            }), loading);
        }
        TrainingState? state = null;
        stderr.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                var epoch = 0;
                state = train(new Inline<TrainProgress>(p =>
                {
                    if (p.Epoch != epoch || task is null)
                    {
                        task?.StopTask();
                        epoch = p.Epoch;
                        task = ctx.AddTask($"epoch {p.Epoch}/{p.Epochs}", maxValue: p.Batches);
                    }
                    task.Value = p.Batch;
                    task.Description = p.Finished is { } f
                        ? Markup.Escape(FormattableString.Invariant($"epoch {f.Epoch}/{p.Epochs} loss {f.TrainLoss:0.0000} dev {f.DevMetric:0.0000}{(f.Best ? " best" : "")}"))
                        : Markup.Escape(FormattableString.Invariant($"epoch {p.Epoch}/{p.Epochs} loss {p.Loss:0.0000} lr {p.LearningRate:0.#####} {p.FramesPerSecond:0} fr/s"));
                    if (p.Finished is not null)
                    {
                        task.StopTask();
                    }
                }), loading);
            });
        return state!;
    }

    /// <summary>Progress that runs the callback on the reporting thread (Progress&lt;T&gt; would post it elsewhere).</summary>
    internal sealed class Inline<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }
}
