using System.Buffers.Binary;
using System.Text;

namespace RetryDemo.Tests.Telemetry;

/// <summary>
/// Just enough of the protobuf wire format to read OTLP messages: walks the fields of one message.
/// Written by hand so the tests need no protobuf package (whose versions would have to agree with Aspire's).
/// </summary>
public readonly ref struct ProtoReader(ReadOnlySpan<byte> message)
{
    private readonly ReadOnlySpan<byte> _message = message;

    /// <summary>All fields, in order: (field number, wire type, value bytes or varint).</summary>
    public List<ProtoField> Fields()
    {
        var fields = new List<ProtoField>();
        var position = 0;
        while (position < _message.Length)
        {
            var tag = ReadVarint(_message, ref position);
            var number = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    fields.Add(new ProtoField(number, ReadVarint(_message, ref position), []));
                    break;
                case 1:
                    fields.Add(new ProtoField(number, BinaryPrimitives.ReadUInt64LittleEndian(_message.Slice(position, 8)), _message.Slice(position, 8).ToArray()));
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(_message, ref position);
                    fields.Add(new ProtoField(number, 0, _message.Slice(position, length).ToArray()));
                    position += length;
                    break;
                case 5:
                    fields.Add(new ProtoField(number, BinaryPrimitives.ReadUInt32LittleEndian(_message.Slice(position, 4)), _message.Slice(position, 4).ToArray()));
                    position += 4;
                    break;
                default:
                    throw new FormatException($"Unsupported protobuf wire type {wireType}.");
            }
        }

        return fields;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}

/// <param name="Number">The field number.</param>
/// <param name="Scalar">A varint or fixed value.</param>
/// <param name="Bytes">A length-delimited value (string, bytes, sub-message).</param>
public sealed record ProtoField(int Number, ulong Scalar, byte[] Bytes)
{
    public string String => Encoding.UTF8.GetString(Bytes);

    public string Hex => Convert.ToHexStringLower(Bytes);

    public List<ProtoField> Message => new ProtoReader(Bytes).Fields();
}
