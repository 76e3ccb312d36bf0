using System.Reflection;
using System.Text.RegularExpressions;
using NetArchTest.Rules;

namespace StreamingAnchor.Tests;

/// <summary>
/// The library's layers (docs/architecture.md, "Layers"): a namespace may use the namespaces listed before it and
/// never one listed after it. Any cycle between two namespaces needs a reference from an earlier one to a later one,
/// so the order forbids cycles too. The foundation and core never reference TorchSharp.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Library = typeof(AtomicFile).Assembly;

    /// <summary>Lowest layer first; inside a layer, too, a namespace may only use those listed before it.</summary>
    public static readonly IReadOnlyList<(string Layer, string[] Namespaces)> Layers =
    [
        ("foundation", ["StreamingAnchor"]),
        ("core", ["StreamingAnchor.Audio", "StreamingAnchor.Anchors", "StreamingAnchor.Data", "StreamingAnchor.Data.Importers",
            "StreamingAnchor.Evaluation", "StreamingAnchor.Inference"]),
        ("synthesis", ["StreamingAnchor.Data.Synthesis"]),
        ("torch", ["StreamingAnchor.Losses", "StreamingAnchor.Models", "StreamingAnchor.Training", "StreamingAnchor.Mining"]),
        ("onnx", ["StreamingAnchor.Export"]),
        ("experiments", ["StreamingAnchor.Cluster", "StreamingAnchor.Evaluation.Peers", "StreamingAnchor.Evaluation.Experiments",
            "StreamingAnchor.Recipes"]),
    ];

    private static readonly string[] Order = Layers.SelectMany(l => l.Namespaces).ToArray();

    public static TheoryData<string> Namespaces() => new(Order);

    [Fact]
    public void EveryNamespaceOfTheLibraryHasAPlaceInTheLayers()
    {
        var found = Library.GetTypes().Select(t => t.Namespace).OfType<string>().Where(n => n.StartsWith("StreamingAnchor", StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Empty(found.Except(Order));
        Assert.Empty(Order.Except(found));
    }

    [Theory]
    [MemberData(nameof(Namespaces))]
    public void ANamespaceNeverUsesOneAboveIt(string ns)
    {
        var above = Order.SkipWhile(n => n != ns).Skip(1).ToHashSet(StringComparer.Ordinal);
        // Top-level type names (NetArchTest matches a dependency by prefix, so a nested type is covered by its parent).
        var forbidden = Library.GetTypes().Where(t => !t.IsNested && t.Namespace is { } n && above.Contains(n)).Select(t => t.FullName!).ToArray();
        if (forbidden.Length == 0)
        {
            return; // the top namespace: nothing is above it
        }
        var result = InNamespace(ns).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        Assert.True(result.IsSuccessful, $"{ns} uses a higher layer in: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void TheFoundationAndTheCoreNeverReferenceTorchSharp()
    {
        foreach (var ns in Layers.Where(l => l.Layer is "foundation" or "core").SelectMany(l => l.Namespaces))
        {
            var result = InNamespace(ns).ShouldNot().HaveDependencyOn("TorchSharp").GetResult();
            Assert.True(result.IsSuccessful, $"{ns} references TorchSharp in: {string.Join(", ", result.FailingTypeNames ?? [])}");
        }
    }

    [Fact]
    public void TheRulesSeeReferencesThatExist()
    {
        // Guards the two rules above against passing vacuously (a matcher that saw no dependency at all).
        var pipeline = InNamespace("StreamingAnchor.Inference").And().HaveName("StreamingPipeline").Should()
            .HaveDependencyOn("StreamingAnchor.Evaluation.StreamingDetector").GetResult();
        Assert.True(pipeline.IsSuccessful);
        var models = InNamespace("StreamingAnchor.Models").And().HaveName("StreamingModel").Should().HaveDependencyOn("TorchSharp").GetResult();
        Assert.True(models.IsSuccessful);
    }

    // Exactly this namespace, not the ones below it (ResideInNamespace would take StreamingAnchor.Data.Synthesis with StreamingAnchor.Data).
    private static PredicateList InNamespace(string ns) =>
        Types.InAssembly(Library).That().ResideInNamespaceMatching($"^{Regex.Escape(ns)}$");
}
