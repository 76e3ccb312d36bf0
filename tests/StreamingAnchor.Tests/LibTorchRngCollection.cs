namespace StreamingAnchor.Tests;

/// <summary>
/// Tests that seed or draw from libtorch's process-wide CPU generator (torch.manual_seed, random weight init of a new
/// model or layer, dropout while training, torch.randn without a generator, in-process training, experiments and
/// benchmarks) belong to this collection. It runs one test at a time and beside no other collection: another test's
/// seed or draw landing between a test's manual_seed and its model's init would change that test's weights, and a
/// resume or same-seed comparison would then fail (or pass) by chance. Tests that only run `sal` in a child process
/// have their own generator and stay outside.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LibTorchRngCollection
{
    public const string Name = "libtorch global RNG";
}
