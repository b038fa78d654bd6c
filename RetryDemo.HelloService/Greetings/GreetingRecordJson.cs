using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetryDemo.HelloService.Greetings;

/// <summary>The records kept in the store, serialized by generated code with named fields.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Greeting))]
[JsonSerializable(typeof(IdempotencyRecord))]
internal sealed partial class GreetingRecordJson : JsonSerializerContext;
