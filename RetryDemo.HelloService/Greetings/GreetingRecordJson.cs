using System.Text.Json;
using System.Text.Json.Serialization;
using RetryDemo.Contracts;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// The records kept in the store, serialized by generated code with named fields, and escaped only where
/// JSON must (<see cref="Stored"/>), so a record is about as long as the text it holds.
/// </summary>
[JsonSerializable(typeof(StoredGreeting))]
[JsonSerializable(typeof(IdempotencyRecord))]
internal sealed partial class GreetingRecordJson : JsonSerializerContext
{
    // The generator takes no encoder from the attribute, so these options are spelled here.
    public static GreetingRecordJson Stored { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = MinimalJsonEncoder.Instance,
    });
}
