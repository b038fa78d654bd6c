namespace RetryDemo.HelloService.Greetings;

public sealed record Greeting(string Id, string Message, DateTimeOffset CreatedAt);
