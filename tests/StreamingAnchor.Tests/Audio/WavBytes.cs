using System.Buffers.Binary;
using System.Text;

namespace StreamingAnchor.Tests.Audio;

/// <summary>Builds WAV files byte by byte, so tests can produce every encoding and every kind of damage.</summary>
internal static class WavBytes
{
    public static byte[] Chunk(string id, byte[] body, uint? claimedSize = null)
    {
        var pad = body.Length % 2;
        var bytes = new byte[8 + body.Length + pad];
        Encoding.ASCII.GetBytes(id).CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), claimedSize ?? (uint)body.Length);
        body.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Fmt(ushort tag, int channels, int rate, int bits, int? blockAlign = null)
    {
        var body = new byte[16];
        var align = blockAlign ?? channels * (bits / 8);
        BinaryPrimitives.WriteUInt16LittleEndian(body, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)(rate * align));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(14), (ushort)bits);
        return Chunk("fmt ", body);
    }

    public static byte[] FmtExtensible(ushort subFormat, int channels, int rate, int bits)
    {
        var body = new byte[40];
        var align = channels * (bits / 8);
        BinaryPrimitives.WriteUInt16LittleEndian(body, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)(rate * align));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(14), (ushort)bits);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(18), (ushort)bits);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(24), subFormat);
        return Chunk("fmt ", body);
    }

    public static byte[] Riff(params byte[][] chunks)
    {
        var body = chunks.SelectMany(c => c).ToArray();
        var bytes = new byte[12 + body.Length];
        Encoding.ASCII.GetBytes("RIFF").CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(4 + body.Length));
        Encoding.ASCII.GetBytes("WAVE").CopyTo(bytes, 8);
        body.CopyTo(bytes, 12);
        return bytes;
    }

    /// <summary>Encodes interleaved samples in [-1, 1] with the given PCM or float sample size.</summary>
    public static byte[] Encode(float[] interleaved, int bits, bool isFloat)
    {
        var size = bits / 8;
        var data = new byte[interleaved.Length * size];
        for (var i = 0; i < interleaved.Length; i++)
        {
            var x = interleaved[i];
            var span = data.AsSpan(i * size, size);
            if (isFloat)
            {
                if (bits == 32)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(span, x);
                }
                else
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(span, x);
                }
                continue;
            }
            switch (bits)
            {
                case 8:
                    span[0] = (byte)Math.Clamp((int)Math.Round((x * 128) + 128), 0, 255);
                    break;
                case 16:
                    BinaryPrimitives.WriteInt16LittleEndian(span, (short)Math.Clamp(Math.Round(x * 32768), short.MinValue, short.MaxValue));
                    break;
                case 24:
                    var v = (int)Math.Clamp(Math.Round(x * 8388608), -8388608, 8388607);
                    span[0] = (byte)v;
                    span[1] = (byte)(v >> 8);
                    span[2] = (byte)(v >> 16);
                    break;
                default:
                    BinaryPrimitives.WriteInt32LittleEndian(span, (int)Math.Clamp(Math.Round(x * 2147483648.0), int.MinValue, int.MaxValue));
                    break;
            }
        }
        return data;
    }
}
