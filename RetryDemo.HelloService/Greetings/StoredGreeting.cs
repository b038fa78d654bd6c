namespace RetryDemo.HelloService.Greetings;

/// <summary>A greeting as its own record in the store: its id is in the record's key, so not again inside.</summary>
internal sealed record StoredGreeting(string Message, DateTimeOffset CreatedAt)
{
    public static StoredGreeting Of(Greeting greeting) => new(greeting.Message, greeting.CreatedAt);

    public Greeting WithId(string id) => new(id, Message, CreatedAt);
}
