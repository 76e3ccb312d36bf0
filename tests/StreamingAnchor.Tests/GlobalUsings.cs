// The config types tests build everywhere: tasks, kernels, losses and model families are enums.
global using StreamingAnchor.Anchors;
global using StreamingAnchor.Losses;
global using StreamingAnchor.Models;
