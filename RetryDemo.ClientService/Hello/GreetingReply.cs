namespace RetryDemo.ClientService.Hello;

public sealed record GreetingReply(string Id, string Message, DateTimeOffset CreatedAt);
