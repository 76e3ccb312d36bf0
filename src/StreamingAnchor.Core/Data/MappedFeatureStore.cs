using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Data;

/// <summary>
/// A split's features in one contiguous little-endian float32 file, memory-mapped read-only: the page cache holds what
/// was read lately and the process only materialises the windows it copies out, so a 20 h corpus (1.2 GB of 40-bin
/// features) trains in a few hundred MB of process memory. Layout: a 64-byte header (magic <c>SALFEAT1</c>, dim, clip
/// count, the 32-byte content key, total frames, data offset), the clips' frame counts (int32 each), zero padding to a
/// 64-byte boundary, then every clip's rows back to back. The key names what the store was built from (the caller's
/// hash of the cache entries it read); a store whose key, clip count or length does not match is rebuilt.
/// </summary>
public sealed class MappedFeatureStore : FeatureStore
{
    private const int HeaderBytes = 64;
    private const int KeyBytes = 32;
    private static readonly byte[] Magic = "SALFEAT1"u8.ToArray();

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly int[] _frames;
    private readonly long[] _offsets;
    private readonly long _dataOffset;

    private MappedFeatureStore(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, int dim, int[] frames, long dataOffset)
    {
        Path = path;
        _file = file;
        _view = view;
        Dim = dim;
        _frames = frames;
        _dataOffset = dataOffset;
        _offsets = new long[frames.Length];
        for (var i = 1; i < frames.Length; i++)
        {
            _offsets[i] = _offsets[i - 1] + frames[i - 1];
        }
    }

    /// <summary>The store file.</summary>
    public string Path { get; }

    public override int Dim { get; }

    public override int Count => _frames.Length;

    public override int Frames(int clip) => _frames[clip];

    protected override void ReadUnchecked(int clip, int start, Span<float> destination)
    {
        var byteOffset = _dataOffset + ((_offsets[clip] + start) * Dim * sizeof(float));
        _view.SafeMemoryMappedViewHandle.ReadSpan((ulong)byteOffset, destination);
    }

    /// <summary>
    /// Opens the store at <paramref name="path"/> when it exists and was built from <paramref name="key"/> for
    /// <paramref name="count"/> clips; null when it is missing, stale or damaged (the caller rebuilds it).
    /// </summary>
    public static MappedFeatureStore? TryOpen(string path, ReadOnlySpan<byte> key, int count)
    {
        RequireLittleEndian();
        if (!File.Exists(path))
        {
            return null;
        }
        int dim;
        int[] frames;
        long dataOffset;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            var header = new byte[HeaderBytes];
            if (stream.Length < HeaderBytes || stream.Read(header) != HeaderBytes || !header.AsSpan(0, 8).SequenceEqual(Magic))
            {
                return null;
            }
            dim = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
            var clips = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
            var total = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(48));
            dataOffset = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(56));
            if (clips != count || dim < 1 || !header.AsSpan(16, KeyBytes).SequenceEqual(key) || dataOffset != DataOffset(count) ||
                stream.Length != dataOffset + (total * dim * sizeof(float)))
            {
                return null;
            }
            var raw = new byte[count * sizeof(int)];
            stream.ReadExactly(raw);
            frames = MemoryMarshal.Cast<byte, int>(raw).ToArray();
            if (frames.Any(f => f < 1) || frames.Sum(f => (long)f) != total)
            {
                return null;
            }
        }
        // Unix keeps a mapping valid when a concurrent rebuild renames a new file over this one.
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        return new MappedFeatureStore(path, file, view, dim, frames, dataOffset);
    }

    /// <summary>
    /// Writes a store (atomically) from <paramref name="count"/> clips produced in order by <paramref name="produce"/>,
    /// in parallel batches so only a few clips are in memory at a time, then stamps it with <paramref name="key"/>
    /// (evaluated after every clip was produced, so it sees cache entries the production wrote). Every clip needs at
    /// least one frame and the same dim.
    /// </summary>
    /// <param name="progress">Clips written so far.</param>
    public static void Write(string path, int count, Func<int, FeatureMatrix> produce, Func<byte[]> key, Action<int>? progress = null,
        int? maxParallelism = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(produce);
        ArgumentNullException.ThrowIfNull(key);
        RequireLittleEndian();
        if (count < 1)
        {
            throw new ArgumentException("a feature store needs at least one clip");
        }
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxParallelism ?? Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        var chunk = Math.Max(1, parallel.MaxDegreeOfParallelism) * 8;
        AtomicFile.Write(path, tmp =>
        {
            var frames = new int[count];
            var dim = 0;
            long total = 0;
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                stream.Write(new byte[DataOffset(count)]);
                var batch = new FeatureMatrix[chunk];
                for (var first = 0; first < count; first += chunk)
                {
                    var n = Math.Min(chunk, count - first);
                    ParallelWork.For(n, parallel, k => batch[k] = produce(first + k));
                    for (var k = 0; k < n; k++)
                    {
                        var m = batch[k];
                        if (m.Frames < 1)
                        {
                            throw new InvalidDataException($"clip {first + k} of {path} has no frames");
                        }
                        if (dim != 0 && m.Dim != dim)
                        {
                            throw new InvalidDataException($"clip {first + k} of {path} has {m.Dim} features per frame, earlier clips {dim}");
                        }
                        dim = m.Dim;
                        frames[first + k] = m.Frames;
                        total += m.Frames;
                        stream.Write(MemoryMarshal.AsBytes(m.Data.AsSpan()));
                        batch[k] = null!;
                    }
                    progress?.Invoke(first + n);
                }
                var header = new byte[DataOffset(count)];
                Magic.CopyTo(header, 0);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), dim);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), count);
                var stamp = key();
                if (stamp.Length != KeyBytes)
                {
                    throw new ArgumentException($"a feature store key has {KeyBytes} bytes, got {stamp.Length}");
                }
                stamp.CopyTo(header, 16);
                BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(48), total);
                BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(56), DataOffset(count));
                MemoryMarshal.AsBytes(frames.AsSpan()).CopyTo(header.AsSpan(HeaderBytes));
                stream.Position = 0;
                stream.Write(header);
            }
        });
    }

    // Frame counts and rows are written and mapped in the machine's byte order, which the format fixes as little-endian.
    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("mapped feature stores need a little-endian machine; use FeatureStorage.Memory");
        }
    }

    /// <summary>Header, frame counts and padding: the data starts on a 64-byte boundary.</summary>
    private static long DataOffset(int count) => (HeaderBytes + ((long)count * sizeof(int)) + 63) / 64 * 64;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _view.Dispose();
            _file.Dispose();
        }
    }
}
