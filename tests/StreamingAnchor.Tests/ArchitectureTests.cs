using System.Reflection;
using System.Text.RegularExpressions;
using NetArchTest.Rules;

namespace StreamingAnchor.Tests;

/// <summary>
/// The library's layers (docs/architecture.md, "Layers"): a namespace may use the namespaces listed before it and
/// never one listed after it. Any cycle between two namespaces needs a reference from an earlier one to a later one,
/// so the order forbids cycles too. The foundation and core never reference TorchSharp, and the ONNX Runtime
/// assembly's whole dependency closure has no TorchSharp.
/// </summary>
public sealed class ArchitectureTests
{
    /// <summary>Every library assembly (one project per layer), each named by a type it holds.</summary>
    private static readonly Assembly[] Libraries =
    [
        typeof(AtomicFile).Assembly,                                      // StreamingAnchor.Core
        typeof(StreamingAnchor.Data.Synthesis.CorpusGenerator).Assembly,                  // StreamingAnchor.Synthesis
        typeof(StreamingAnchor.Export.OnnxStreamingModel).Assembly,                       // StreamingAnchor.Onnx
        typeof(StreamingAnchor.Models.StreamingModel).Assembly,                           // StreamingAnchor.Torch
        typeof(StreamingAnchor.Recipes.Recipe).Assembly,                                  // StreamingAnchor.Experiments
    ];

    /// <summary>The assembly that runs an exported model: what a device or service ships without libtorch.</summary>
    private static readonly Assembly OnnxAssembly = typeof(StreamingAnchor.Export.OnnxStreamingModel).Assembly;

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
        Assert.Equal(Libraries.Length, Libraries.Distinct().Count()); // one type per project, no project counted twice
        var found = Libraries.SelectMany(a => a.GetTypes()).Select(t => t.Namespace).OfType<string>().Where(n => n.StartsWith("StreamingAnchor", StringComparison.Ordinal))
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
        var forbidden = Libraries.SelectMany(a => a.GetTypes()).Where(t => !t.IsNested && t.Namespace is { } n && above.Contains(n)).Select(t => t.FullName!).ToArray();
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

    [Fact]
    public void TheOnnxAssemblysReferenceClosureHasNoTorchSharp()
    {
        Assert.Equal("StreamingAnchor.Onnx", OnnxAssembly.GetName().Name);
        var closure = ReferenceClosure(OnnxAssembly);
        // Guards against a vacuous pass: the walk must reach what the assembly really uses.
        Assert.Contains("StreamingAnchor.Core", closure);
        Assert.Contains("Microsoft.ML.OnnxRuntime", closure);
        Assert.DoesNotContain(closure, n => n.Contains("Torch", StringComparison.OrdinalIgnoreCase));

        // The NuGet side: the packages StreamingAnchor.Onnx depends on in the test's deps.json, followed transitively.
        var packages = DepsClosure("StreamingAnchor.Onnx");
        Assert.Contains("Microsoft.ML.OnnxRuntime", packages);
        Assert.Contains("StreamingAnchor.Core", packages);
        Assert.DoesNotContain(packages, n => n.Contains("torch", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void TheClosureWalksSeeTorchSharpWhereItIs()
    {
        // The same walks from the Torch assembly do find TorchSharp and libtorch, so the test above can fail.
        Assert.Contains("TorchSharp", ReferenceClosure(typeof(StreamingAnchor.Models.StreamingModel).Assembly));
        var packages = DepsClosure("StreamingAnchor.Torch");
        Assert.Contains("TorchSharp", packages);
        Assert.Contains("libtorch-cpu-linux-x64", packages);
    }

    /// <summary>Names of the assemblies reachable from <paramref name="root"/> through GetReferencedAssemblies (framework included).</summary>
    private static HashSet<string> ReferenceClosure(Assembly root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<Assembly>([root]);
        while (queue.TryDequeue(out var assembly))
        {
            foreach (var name in assembly.GetReferencedAssemblies())
            {
                if (name.Name is { } n && seen.Add(n))
                {
                    queue.Enqueue(Assembly.Load(name));
                }
            }
        }
        return seen;
    }

    /// <summary>Libraries (projects and packages) reachable from <paramref name="library"/> in this test's deps.json.</summary>
    private static HashSet<string> DepsClosure(string library)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "StreamingAnchor.Tests.deps.json");
        var deps = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        var target = deps["targets"]!.AsObject().Single().Value!.AsObject();
        // Keys are "Name/Version"; dependencies name libraries without their version.
        var byName = target.ToDictionary(e => e.Key[..e.Key.IndexOf('/')], e => e.Value!, StringComparer.OrdinalIgnoreCase);
        Assert.True(byName.ContainsKey(library), $"{path} has no library {library}");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<string>([library]);
        while (queue.TryDequeue(out var name))
        {
            if (byName.TryGetValue(name, out var entry) && entry["dependencies"] is System.Text.Json.Nodes.JsonObject dependencies)
            {
                foreach (var dependency in dependencies.Select(d => d.Key).Where(seen.Add))
                {
                    queue.Enqueue(dependency);
                }
            }
        }
        return seen;
    }

    // Exactly this namespace, not the ones below it (ResideInNamespace would take StreamingAnchor.Data.Synthesis with StreamingAnchor.Data).
    private static PredicateList InNamespace(string ns) =>
        Types.InAssemblies(Libraries).That().ResideInNamespaceMatching($"^{Regex.Escape(ns)}$");
}
