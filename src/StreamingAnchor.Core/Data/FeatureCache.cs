using System.Security.Cryptography;
using System.Text;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Data;

/// <summary>
/// Raw log-mel features of audio files on disk, one <c>.npy</c> per file under
/// <c>&lt;root&gt;/&lt;fbank fingerprint&gt;/</c>, named by a hash of the front-end config and the file's full path, size
/// and modification time: editing the audio or the config misses the cache, nothing else does. Entries are written
/// atomically, so a crash leaves either a complete entry or none; computing is spread over all cores.
/// </summary>
public sealed class FeatureCache
{
    private readonly FbankConfig _config;
    private readonly string _fingerprint;

    public FeatureCache(string root, FbankConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        _fingerprint = config.Fingerprint();
        Directory = Path.Combine(Path.GetFullPath(root), _fingerprint);
    }

    /// <summary>Folder holding this front end's entries.</summary>
    public string Directory { get; }

    public FbankConfig Config => _config;

    /// <summary>Cache file for an audio file as it is now (its size and mtime are part of the name).</summary>
    public string EntryPath(string audioPath)
    {
        var info = new FileInfo(audioPath);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{audioPath}: audio file not found", audioPath);
        }
        var key = $"{_fingerprint}|{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..24];
        return Path.Combine(Directory, hash[..2], hash + ".npy");
    }

    /// <summary>Features of one file, from the cache or computed (and stored) now.</summary>
    public FeatureMatrix Get(string audioPath, FbankExtractor? extractor = null)
    {
        var entry = EntryPath(audioPath);
        if (File.Exists(entry))
        {
            try
            {
                var cached = FrameStreamFile.Read(entry);
                if (cached.Dim == _config.MelBins)
                {
                    return cached;
                }
            }
            catch (InvalidDataException)
            {
                // A damaged entry is recomputed below and replaced atomically.
            }
        }
        var clip = WavFile.Read(audioPath, _config.SampleRate);
        var features = (extractor ?? new FbankExtractor(_config)).Compute(clip.Samples);
        FrameStreamFile.Write(entry, features);
        return features;
    }

    /// <summary>
    /// Features of many files in parallel (one extractor per worker), in input order. Progress counts finished files.
    /// A failing file stops the run with its own one-line error.
    /// </summary>
    public FeatureMatrix[] GetAll(IReadOnlyList<string> audioPaths, IProgress<(int Done, int Total)>? progress = null,
        int? maxParallelism = null, CancellationToken cancellationToken = default)
    {
        var results = new FeatureMatrix[audioPaths.Count];
        var done = 0;
        progress?.Report((0, audioPaths.Count));
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxParallelism ?? Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        // A failing file surfaces as its own one-line error, not a wrapper.
        ParallelWork.For(audioPaths.Count, options, () => new FbankExtractor(_config), (i, _, extractor) =>
        {
            results[i] = Get(audioPaths[i], extractor);
            var n = Interlocked.Increment(ref done);
            progress?.Report((n, audioPaths.Count));
            return extractor;
        }, _ => { });
        return results;
    }
}
