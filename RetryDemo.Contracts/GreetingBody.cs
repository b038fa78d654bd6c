using System.Buffers;
using System.Text.Json;

namespace RetryDemo.Contracts;

/// <summary>The body of <c>POST /greetings</c>, on either service.</summary>
public static class GreetingBody
{
    /// <summary>
    /// The largest body either service reads: the longest valid name (<see cref="GreetingNameAttribute.MaxUtf8Bytes"/>)
    /// fits with its JSON framing however a caller escapes it, so a valid name is never refused for its size:
    /// each of at most 100 ASCII characters becomes 6 bytes as <c>\uXXXX</c>, every other UTF-8 byte at most 3
    /// (2 bytes to one escape, 4 to two), so 100 × 6 + 2,400 × 3 + 11 = 7,811. A stranger's megabyte is refused
    /// (413) before it is buffered.
    /// </summary>
    public const int MaxBytes = 8192;

    /// <summary><c>{"name":…}</c> as ClientService sends it: UTF-8, escaped only where JSON must (<see cref="MinimalJsonEncoder"/>).</summary>
    public static byte[] Write(string name)
    {
        var buffer = new ArrayBufferWriter<byte>(name.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = MinimalJsonEncoder.Instance }))
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
