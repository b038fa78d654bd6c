namespace RetryDemo.ClientService.HelloCalls;

public sealed record GreetingReply(string Id, string Message, DateTimeOffset CreatedAt);
