using System.Buffers.Binary;
using System.Text;

namespace StreamingAnchor.Audio;

/// <summary>
/// Reads a live 16-bit stream (stdin, a microphone pipe) chunk by chunk: raw s16le mono, or a WAV whose header says
/// 16-bit PCM mono at the expected rate. Nothing is read ahead beyond one chunk, so detections follow the input in real time.
/// </summary>
public sealed class Pcm16Reader
{
    private readonly Stream stream;
    private readonly string name;
    private readonly byte[] pending = new byte[1];
    private bool hasPending;
    private byte[] prefix = [];

    public Pcm16Reader(Stream stream, string name, int sampleRate)
    {
        this.stream = stream;
        this.name = name;
        var head = ReadUpTo(12);
        if (head.Length >= 12 && Encoding.ASCII.GetString(head, 0, 4) == "RIFF" && Encoding.ASCII.GetString(head, 8, 4) == "WAVE")
        {
            SkipToData(sampleRate);
        }
        else
        {
            prefix = head; // raw s16le: the bytes read to look for a header are samples
        }
    }

    public static float[] Decode(ReadOnlySpan<byte> bytes, int samples)
    {
        var x = new float[samples];
        for (var i = 0; i < samples; i++)
        {
            x[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]) / 32768f;
        }

        return x;
    }

    /// <summary>The next chunk of up to <paramref name="samples"/> samples; empty at the end of the stream.</summary>
    public float[] Read(int samples)
    {
        var buffer = new byte[2 * samples];
        var filled = 0;
        if (prefix.Length > 0)
        {
            var n = Math.Min(prefix.Length, buffer.Length);
            prefix.AsSpan(0, n).CopyTo(buffer);
            prefix = prefix[n..];
            filled = n;
        }
        else if (hasPending)
        {
            buffer[0] = pending[0];
            filled = 1;
            hasPending = false;
        }

        while (filled < buffer.Length)
        {
            var n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0)
            {
                break;
            }

            filled += n;
            if (filled % 2 == 0)
            {
                break; // hand over what arrived; a live source should not wait for a whole chunk
            }
        }

        if (filled % 2 == 1)
        {
            pending[0] = buffer[filled - 1];
            hasPending = true;
            filled--;
        }

        return Decode(buffer, filled / 2);
    }

    private byte[] ReadUpTo(int count)
    {
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var n = stream.Read(buffer, filled, count - filled);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        return buffer[..filled];
    }

    private void SkipToData(int sampleRate)
    {
        var sawFormat = false;
        while (true)
        {
            var header = ReadUpTo(8);
            if (header.Length < 8)
            {
                throw new InvalidDataException($"{name}: WAV ends before its data chunk");
            }

            var id = Encoding.ASCII.GetString(header, 0, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (id == "data")
            {
                if (!sawFormat)
                {
                    throw new InvalidDataException($"{name}: WAV data before its fmt chunk");
                }

                return; // streamed to the end, whatever the size field says (pipes often write 0 or 0xFFFFFFFF)
            }

            var body = ReadUpTo((int)Math.Min(size + (size & 1), 1 << 20));
            if (id != "fmt ")
            {
                continue;
            }

            if (body.Length < 16)
            {
                throw new InvalidDataException($"{name}: WAV fmt chunk too short");
            }

            var format = BinaryPrimitives.ReadUInt16LittleEndian(body);
            var channels = BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(2));
            var rate = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(4));
            var bits = BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(14));
            if (format is not (1 or 0xFFFE) || bits != 16 || channels != 1 || rate != sampleRate)
            {
                throw new InvalidDataException(
                    $"{name}: a streamed WAV must be 16-bit PCM mono at {sampleRate} Hz, this one is format {format}, {bits}-bit, {channels} channel(s), {rate} Hz " +
                    $"(convert with: ffmpeg -i IN -ac 1 -ar {sampleRate} -f wav -)");
            }

            sawFormat = true;
        }
    }
}
