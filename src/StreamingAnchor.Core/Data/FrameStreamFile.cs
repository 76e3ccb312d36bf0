using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using StreamingAnchor.Anchors;
using StreamingAnchor.Audio;

namespace StreamingAnchor.Data;

/// <summary>
/// Extra per-frame feature streams (accelerometer, video embeddings...) as NumPy <c>.npy</c> files holding a
/// C-ordered float32 matrix [frames, dim] (float64 and 1-D arrays are accepted on read; 1-D means dim 1). The format
/// is readable with <c>numpy.load</c>; row t is frame t of <see cref="Grid"/>, whatever a run's front end.
/// </summary>
public static partial class FrameStreamFile
{
    /// <summary>
    /// The frame grid stream files are written on: the default front end's (10 ms hop), so one corpus serves runs of
    /// any hop; a run on another grid reads, for each of its frames, the row nearest in time (<see cref="RowAt"/>).
    /// </summary>
    public static FrameClock Grid => FrameClock.Default;

    /// <summary>
    /// The row of a stream file that frame <paramref name="frame"/> of a run on <paramref name="clock"/> reads: the row
    /// whose frame ends nearest the run's frame (the frame itself on <see cref="Grid"/>), clamped to the file's
    /// <paramref name="rows"/> (a stream a frame or two short is padded with its last row).
    /// </summary>
    public static int RowAt(FrameClock clock, int frame, int rows)
    {
        var row = clock == Grid ? frame : (int)Math.Round(Grid.TimeToFrame(clock.FrameEndTime(frame)));
        return Math.Clamp(row, 0, rows - 1);
    }

    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static FeatureMatrix Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: frame stream file not found", path);
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var fileLength = stream.Length;
        Span<byte> pre = stackalloc byte[10];
        if (fileLength < 10 || stream.Read(pre) != 10 || !pre[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path}: not a .npy file (bad magic)");
        }
        var major = pre[6];
        long headerLength;
        int prefix;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(pre[8..]);
            prefix = 10;
        }
        else if (major is 2 or 3)
        {
            Span<byte> extra = stackalloc byte[2];
            stream.ReadExactly(extra);
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(pre[8..]);
            prefix = 12;
        }
        else
        {
            throw new InvalidDataException($"{path}: unsupported .npy version {major}");
        }
        if (headerLength > 1 << 20 || prefix + headerLength > fileLength)
        {
            throw new InvalidDataException($"{path}: .npy header length {headerLength} exceeds the file");
        }
        var headerBytes = new byte[headerLength];
        stream.Position = prefix;
        stream.ReadExactly(headerBytes);
        var header = Encoding.Latin1.GetString(headerBytes);

        var descr = DescrPattern().Match(header);
        var order = FortranPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !order.Success || !shape.Success)
        {
            throw new InvalidDataException($"{path}: malformed .npy header");
        }
        if (order.Groups[1].Value == "True")
        {
            throw new InvalidDataException($"{path}: Fortran-ordered arrays are not supported, save with C order");
        }
        var dtype = descr.Groups[1].Value;
        var itemSize = dtype switch
        {
            "<f4" => 4,
            "<f8" => 8,
            _ => throw new InvalidDataException($"{path}: dtype '{dtype}' not supported (little-endian float32 or float64)"),
        };
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
                : throw new InvalidDataException($"{path}: bad shape '{shape.Groups[1].Value}'"))
            .ToArray();
        if (dims.Length is not (1 or 2))
        {
            throw new InvalidDataException($"{path}: expected a 2-D [frames, dim] array, got {dims.Length} dimensions");
        }
        var frames = dims[0];
        var dim = dims.Length == 2 ? dims[1] : 1;
        var available = fileLength - prefix - headerLength;
        if (dim == 0 || frames * dim > Array.MaxLength || frames * dim * itemSize > available)
        {
            throw new InvalidDataException($"{path}: shape [{frames}, {dim}] needs {frames * dim * itemSize} bytes, file holds {available}");
        }
        var count = (int)(frames * dim);
        var raw = new byte[count * (long)itemSize];
        stream.ReadExactly(raw);
        var data = new float[count];
        for (var i = 0; i < count; i++)
        {
            var v = itemSize == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * 4))
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.AsSpan(i * 8));
            if (!float.IsFinite(v))
            {
                throw new InvalidDataException($"{path}: value at frame {i / dim}, dim {i % dim} is not finite");
            }
            data[i] = v;
        }
        return new FeatureMatrix(data, (int)frames, (int)dim);
    }

    /// <summary>Writes a float32 .npy file atomically.</summary>
    public static void Write(string path, FeatureMatrix m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({m.Frames}, {m.Dim}), }}";
        // Header padded with spaces so the data starts 64-byte aligned, ending in a newline (the .npy spec).
        var total = 10 + dict.Length + 1;
        var pad = (64 - (total % 64)) % 64;
        var header = dict + new string(' ', pad) + "\n";
        var bytes = new byte[10 + header.Length + (m.Data.Length * 4L)];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.Latin1.GetBytes(header, bytes.AsSpan(10));
        var offset = 10 + header.Length;
        for (var i = 0; i < m.Data.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset + (4 * i)), m.Data[i]);
        }
        AtomicFile.WriteAllBytes(path, bytes);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
